"""The domain: the catalogue, the rule kinds, the question's conditions, the named errors and
the independent validator. Plain Python and pandas; imports nothing else of planner.
"""

"""The CP-SAT models and their runs, and the explanation of infeasibility. With
``planner.questions``, the only place that imports ortools.
"""

"""The questions the library answers: plan, check (with its completion), the advisers'
questions, the cohort, the skill areas and the report. Each returns result objects.
"""

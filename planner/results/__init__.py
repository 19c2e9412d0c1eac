"""The result objects every question returns and every renderer takes. No solving here.
"""

"""Renderers: every result object as a table, JSON, CSV, Markdown or HTML; the report page and
the frontier chart.
"""

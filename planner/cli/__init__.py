"""The command line: option groups declared once, one module per command group, merged into one
app by ``planner.cli.app``.
"""

from planner.cli.app import app

app(prog_name="planner")

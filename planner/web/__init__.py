"""The web front end: ``planner serve``'s what-if page and HTTP API (FastAPI), over the same
library calls and renderers as the command line. ``create_app`` is in ``planner.web.app``."""

"""How a front end names the fields of a question.

The library writes every message that names a field of the question (``include``, ``glh_max``,
``registered``, ``time_limit``, ...) through a naming function, ``field -> word``, that its caller
gives. By default a field is named in the library's own words (``own_words``); the CLI gives its
flags (``--glh-max``), batch and cohort files their columns, a web front end its JSON fields. The
library knows no front end: it only asks the function.
"""

from __future__ import annotations

from collections.abc import Callable

Names = Callable[[str], str]


def own_words(field: str) -> str:
    """The library's own name of a field: the field itself (``glh_max``)."""
    return field

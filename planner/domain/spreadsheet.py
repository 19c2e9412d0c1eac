"""CSV cells that a spreadsheet would run as a formula.

A cell of the user's (a learner id such as ``=cmd|' /C calc'!A0``) written unchanged to CSV
output is run by a spreadsheet that opens the file. As OWASP recommends ("CSV Injection"), a
cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a
single quote in front, which spreadsheets show as text. A signed number (``+1``, ``-2.5``) is
no formula and stays as it is. A cell that already starts with quotes before such a character
gets one more, so ``restore`` gives back exactly what was written.
"""

from __future__ import annotations

import re

_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?\Z")


def neutralise(cell: str) -> str:
    """The cell as it is safe to write to CSV output."""
    return "'" + cell if _FORMULA.match(cell) and not _NUMBER.match(cell) else cell


def restore(cell: str) -> str:
    """The cell as it was before ``neutralise`` (for reading the planner's own CSV back)."""
    return cell[1:] if _NEUTRALISED.match(cell) else cell

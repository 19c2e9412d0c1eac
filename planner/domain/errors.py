"""Named exceptions of the library. The CLI turns each into a one-line message and an exit code."""

from __future__ import annotations

import codecs
import re

from planner.domain.naming import Names, own_words


class PlannerError(Exception):
    """Base class of every error the library raises on purpose."""


class NotUtf8(PlannerError, ValueError):
    """Bytes that are not UTF-8 text; the message names the first bad byte, counting from 1."""

    def __init__(self, byte: int) -> None:
        self.byte = byte
        super().__init__(f"not UTF-8 text (byte {byte})")


def utf8_text(data: bytes) -> str:
    """The UTF-8 text of ``data``, a byte-order mark dropped: the one reading of every file the
    planner reads (catalogue CSV and TOML, batch and cohort CSV). Raises ``NotUtf8``."""
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotUtf8(bom + exc.start + 1) from None


class CatalogueError(PlannerError):
    """A catalogue file is missing, malformed or inconsistent.

    Carries where: the file, the line (1-based, header is line 1) and the field.
    """

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        self.file, self.line, self.field, self.detail = file, line, field, message
        where = []
        if file:
            where.append(str(file))
        if line is not None:
            where.append(f"line {line}")
        if field:
            where.append(f"field '{field}'")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class RuleError(CatalogueError):
    """A rule of combination in a qualification file is malformed or names what does not exist."""


class InputError(PlannerError):
    """The question is malformed: an unknown unit or qualification, a bad date or number.

    ``field`` names the field of the question at fault in the library's own words (``include``,
    ``glh_max``, ``registered``, ``units``, ``qualification``), when there is one; ``detail`` is
    the message without it. Each front end names the field as its user typed it: the CLI as a
    flag (``--glh-max``), batch and cohort files as a column, the web API as a JSON field.

    The message may name other fields too, as ``{field}`` placeholders listed in ``mentions``
    (``"{x} and {y} must differ"``): ``worded`` fills them in with the front end's names.
    """

    def __init__(self, message: str, *, field: str | None = None,
                 mentions: tuple[str, ...] = ()) -> None:
        self.field, self.template, self.mentions = field, message, mentions
        self.detail = self.words(own_words)
        super().__init__(self.worded(own_words))

    def words(self, names: Names) -> str:
        """The message without the field, other fields it mentions named by ``names``."""
        text = self.template
        for f in self.mentions:  # not str.format: the rest of the message may hold braces
            text = text.replace("{" + f + "}", names(f))
        return text

    def worded(self, names: Names) -> str:
        """The message with every field named by ``names`` (the front end's words for them)."""
        detail = self.words(names)
        return f"{names(self.field)}: {detail}" if self.field else detail

    def named(self, name: str | None) -> str:
        """The message with the field called ``name``, other fields in the library's words."""
        return f"{name}: {self.detail}" if name else self.detail


class InfeasibleError(PlannerError):
    """No pathway satisfies the rules and the user's conditions; ``reasons`` explains why."""

    def __init__(self, message: str, reasons: tuple = ()) -> None:
        self.reasons = reasons
        super().__init__(message)


QUOTE_MAX = 120  # characters of a user's input quoted in a message
MESSAGE_MAX = 500  # characters of a whole message


def short(text: str, limit: int = QUOTE_MAX) -> str:
    """At most ``limit`` characters of a user's input, to quote it in a message."""
    text = str(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


_QUOTED = re.compile(r"'([^'\n]{" + str(QUOTE_MAX + 1) + r",})'")


def brief(message: str) -> str:
    """A message that quotes at most a short prefix of each input it repeats (a hostile cell
    may be 100,000 characters), and at most ``MESSAGE_MAX`` characters in all."""
    message = _QUOTED.sub(lambda m: f"'{short(m.group(1))}'", message)
    return short(message, MESSAGE_MAX)

"""Named exceptions of the library. The CLI turns each into a one-line message and an exit code."""

from __future__ import annotations


class PlannerError(Exception):
    """Base class of every error the library raises on purpose."""


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
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field, self.detail = field, message
        super().__init__(f"{field}: {message}" if field else message)

    def named(self, name: str | None) -> str:
        """The message with the field called ``name`` (the front end's word for it)."""
        return f"{name}: {self.detail}" if name else self.detail


class InfeasibleError(PlannerError):
    """No pathway satisfies the rules and the user's conditions; ``reasons`` explains why."""

    def __init__(self, message: str, reasons: tuple = ()) -> None:
        self.reasons = reasons
        super().__init__(message)

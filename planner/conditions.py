"""A user's question: the objective, their own conditions, and the solver's configuration."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from .catalogue import Catalogue
from .errors import InputError


class Objective(str, enum.Enum):
    """What a pathway costs the learner: new guided learning hours, or new TQT (credits x 10)."""

    GLH = "glh"
    TQT = "tqt"

    @property
    def other(self) -> Objective:
        return Objective.TQT if self is Objective.GLH else Objective.GLH


@dataclass(frozen=True)
class Conditions:
    """The learner's own conditions, with unit refs already resolved (see ``from_user``).

    ``achieved`` units are optional and free: they count toward the rules when the pathway claims
    them, and add no new GLH or TQT. ``registered`` of None means today (a new learner).
    ``cover`` holds (area id, credits): at least that many credits in the area, or, with 0 credits,
    at least one unit in it. ``max_units`` counts every unit the pathway counts, achieved included.
    """

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    achieved: tuple[str, ...] = ()
    glh_max: int | None = None
    max_units: int | None = None
    registered: dt.date | None = None
    cover: tuple[tuple[str, int], ...] = ()

    def __post_init__(self) -> None:
        both = sorted(set(self.include) & set(self.exclude))
        if both:
            raise InputError(f"unit {both[0]} is both included and excluded", option="--exclude")
        for name in ("glh_max", "max_units"):
            v = getattr(self, name)
            if v is not None and v < 0:
                raise InputError(f"must not be negative, got {v}",
                                 option="--" + name.replace("_", "-"))

    @property
    def registration_date(self) -> dt.date:
        return self.registered or dt.date.today()

    @classmethod
    def from_user(cls, catalogue: Catalogue, *, include=(), exclude=(), achieved=(),
                  glh_max: int | None = None, max_units: int | None = None,
                  registered: str | dt.date | None = None, cover=()) -> Conditions:
        """Build from what a user typed: units as '404' or '8605-404', lists separated by commas
        or spaces, dates as YYYY-MM-DD, areas as 'AREA' or 'AREA=N'."""
        return cls(
            include=catalogue.resolve_units(include, "--include"),
            exclude=catalogue.resolve_units(exclude, "--exclude"),
            achieved=catalogue.resolve_units(achieved, "--achieved"),
            glh_max=glh_max, max_units=max_units,
            registered=parse_date(registered, "--registered"),
            cover=parse_cover(catalogue, cover),
        )


def parse_date(value: str | dt.date | None, option: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"'{text}' is not a date YYYY-MM-DD", option=option) from None


def parse_cover(catalogue: Catalogue, items) -> tuple[tuple[str, int], ...]:
    out: dict[str, int] = {}
    for item in items or ():
        for part in str(item).split(","):
            part = part.strip()
            if not part:
                continue
            name, _, n = part.partition("=")
            credits = 0
            if n.strip():
                if not n.strip().isdigit():
                    raise InputError(f"'{part}': credits after '=' must be a whole number",
                                     option="--cover")
                credits = int(n)
            area = catalogue.area(name.strip(), "--cover")
            out[area] = max(out.get(area, 0), credits)
    return tuple(sorted(out.items()))


@dataclass(frozen=True)
class SolverConfig:
    """How CP-SAT runs. One worker and a fixed seed make every answer reproducible."""

    time_limit: float = 10.0
    workers: int = 1
    seed: int = 0
    extra: dict = field(default_factory=dict)

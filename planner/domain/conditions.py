"""A user's question: the objective, their own conditions, and the solver's configuration."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

from planner.domain.catalogue import Catalogue
from planner.domain.errors import InputError
from planner.domain.objective import Objective

__all__ = ["Conditions", "Objective", "SolverConfig"]


@dataclass(frozen=True)
class Conditions:
    """The learner's own conditions, with unit refs already resolved (see ``from_user``).

    ``achieved`` units are optional and free: they count toward the rules when the pathway claims
    them, and add no new GLH or TQT. ``registered`` of None means today (a new learner).
    ``cover`` holds (area id, credits): at least that many credits in the area, or, with 0 credits,
    at least one unit in it. ``max_units`` counts every unit the pathway counts, achieved included.
    ``gaps`` holds (area id, weight): skills gaps to close. An area is *covered* when the pathway
    counts at least one unit tagged with it (achieved units included); the planner first
    maximises the sum of the weights of the covered areas, then minimises the usual cost.
    """

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    achieved: tuple[str, ...] = ()
    glh_max: int | None = None
    max_units: int | None = None
    registered: dt.date | None = None
    cover: tuple[tuple[str, int], ...] = ()
    gaps: tuple[tuple[str, int], ...] = ()

    def __post_init__(self) -> None:
        both = sorted(set(self.include) & set(self.exclude))
        if both:
            raise InputError(f"unit {both[0]} is both included and excluded", field="exclude")
        for name in ("glh_max", "max_units"):
            v = getattr(self, name)
            if v is not None and not 0 <= v <= CEILING:
                raise InputError(f"must be a whole number from 0 to {CEILING}, got {v}",
                                 field=name)

    @property
    def registration_date(self) -> dt.date:
        return self.registered or dt.date.today()

    def together(self, shared: Conditions) -> Conditions:
        """These (one learner's own) conditions with ``shared`` ones (a whole group's): unit
        lists and areas together (an area's larger figure), the smaller of two ceilings, the
        learner's own registration date before the group's."""
        def least(a: int | None, b: int | None) -> int | None:
            return b if a is None else a if b is None else min(a, b)

        def areas(a, b) -> tuple[tuple[str, int], ...]:
            out: dict[str, int] = dict(a)
            for area, n in b:
                out[area] = max(out.get(area, 0), n)
            return tuple(sorted(out.items()))

        def units(a, b) -> tuple[str, ...]:
            return tuple(dict.fromkeys((*a, *b)))

        return Conditions(
            include=units(self.include, shared.include),
            exclude=units(self.exclude, shared.exclude),
            achieved=units(self.achieved, shared.achieved),
            glh_max=least(self.glh_max, shared.glh_max),
            max_units=least(self.max_units, shared.max_units),
            registered=self.registered or shared.registered,
            cover=areas(self.cover, shared.cover), gaps=areas(self.gaps, shared.gaps))

    @classmethod
    def from_user(cls, catalogue: Catalogue, *, include=(), exclude=(), achieved=(),
                  glh_max: int | None = None, max_units: int | None = None,
                  registered: str | dt.date | None = None, cover=(), gaps=()) -> Conditions:
        """Build from what a user typed: units as '404' or '8605-404', lists separated by commas
        or spaces, dates as YYYY-MM-DD, areas as 'AREA' or 'AREA=N'."""
        return cls(
            include=catalogue.resolve_units(include, "include"),
            exclude=catalogue.resolve_units(exclude, "exclude"),
            achieved=catalogue.resolve_units(achieved, "achieved"),
            glh_max=glh_max, max_units=max_units,
            registered=parse_date(registered, "registered"),
            cover=parse_cover(catalogue, cover),
            gaps=parse_gaps(catalogue, gaps),
        )


def parse_date(value: str | dt.date | None, field: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"'{text}' is not a date YYYY-MM-DD", field=field) from None
    if date > dt.date.today():  # a registration has happened: a date to come is a typing slip
        raise InputError(f"{text} is in the future; give the date the learner registered (by "
                         "default today)", field=field)
    return date


CEILING = 1_000_000  # the largest --glh-max or --max-units


def parse_ceiling(text: str | int | None, field: str) -> int | None:
    """A ceiling (glh_max, max_units) as typed in a CSV cell: empty for none, else a whole
    number from 0 to ``CEILING``."""
    if text is None or isinstance(text, int):
        return text
    text = text.strip()
    if not text:
        return None
    if not whole_number(text) or int(text) > CEILING:
        raise InputError(f"'{text}' is not a whole number from 0 to {CEILING}", field=field)
    return int(text)


MAX_GAP_WEIGHT = 1000  # weights are relative; a bound keeps the folded objective in 64 bits


def whole_number(text: str) -> bool:
    """ASCII digits only ('²'.isdigit() is true, but int('²') fails)."""
    return re.fullmatch(r"[0-9]+", text.strip()) is not None


def parse_cover(catalogue: Catalogue, items) -> tuple[tuple[str, int], ...]:
    """'AREA' or 'AREA=N' (repeatable, comma lists) -> sorted (area id, credits); a bare AREA
    has 0 credits (at least one unit). N is at most the credits of every unit of the catalogue
    together: more could never be met, and would overflow the solver's integers."""
    most = sum(f.credits for f in catalogue.facts.values())
    return _area_values(catalogue, items, "cover", 0, range(0, most + 1),
                        f"credits after '=' must be a whole number from 0 to {most} (every unit "
                        "of the catalogue together)")


def parse_gaps(catalogue: Catalogue, items) -> tuple[tuple[str, int], ...]:
    """'AREA=weight,...' (repeatable) -> sorted (area id, weight); a bare AREA has weight 1.
    Weights are whole numbers from 1 to ``MAX_GAP_WEIGHT``."""
    return _area_values(catalogue, items, "gaps", 1, range(1, MAX_GAP_WEIGHT + 1),
                        f"the weight after '=' must be a whole number from 1 to {MAX_GAP_WEIGHT}")


def _area_values(catalogue: Catalogue, items, field: str, default: int, allowed: range,
                 wrong: str) -> tuple[tuple[str, int], ...]:
    """'AREA' or 'AREA=N' items (repeatable, comma lists) -> sorted (area id, N), N in
    ``allowed`` (``default`` when not given); an area named twice keeps its largest N."""
    out: dict[str, int] = {}
    for item in items or ():
        for part in str(item).split(","):
            part = part.strip()
            if not part:
                continue
            name, _, n = part.partition("=")
            value = default
            if n.strip():
                if not whole_number(n) or int(n) not in allowed:
                    raise InputError(f"'{part}': {wrong}", field=field)
                value = int(n)
            area = catalogue.area(name.strip(), field)
            out[area] = max(out.get(area, 0), value)
    return tuple(sorted(out.items()))


@dataclass(frozen=True)
class SolverConfig:
    """How CP-SAT runs. One worker and a fixed seed make every answer reproducible."""

    time_limit: float = 10.0
    workers: int = 1
    seed: int = 0
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        # NaN passes every comparison and CP-SAT then calls the model invalid
        if not math.isfinite(self.time_limit) or self.time_limit <= 0:
            raise InputError(f"must be a positive number of seconds, got {self.time_limit}",
                             field="time_limit")

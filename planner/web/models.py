"""The API's request bodies: one pydantic model per question, its fields named as the JSON user
types them. The models check shapes and sizes only; every value is checked by the library, so a
bad value gets the same message as on the command line."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from planner.domain.conditions import parse_ceiling
from planner.domain.errors import InputError

MAX_ITEMS = 200  # more units or areas than any qualification has: a bound on the work, not a rule
Items = list[str]


def _ceiling(value: object) -> object:
    """A ceiling that is not a JSON whole number gets the library's words for it (as a batch or
    cohort cell does), not pydantic's."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    try:
        return parse_ceiling(value if isinstance(value, str) else json.dumps(value), "")
    except InputError as exc:
        raise ValueError(exc.detail) from None


Ceiling = Annotated[int | None, BeforeValidator(_ceiling)]


def items() -> list[str]:
    return Field(default_factory=list, max_length=MAX_ITEMS)  # type: ignore[return-value]


class Body(BaseModel):
    """Fields every question shares; unknown fields are refused (a typo is not silently lost)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True,
                              str_max_length=200)

    time_limit: float | None = Field(None, gt=0, allow_inf_nan=False, description="Solver time "
                                     "limit in seconds (the server's default when left out; "
                                     "never more than the server's ceiling).")


Objective = Literal["glh", "tqt"]


class Conditions(Body):
    """The learner's conditions, as the command line's condition options (without the skills
    gaps and the objective, which not every question takes)."""

    achieved: Items = items()
    include: Items = items()
    exclude: Items = items()
    registered: str | None = Field(None, description="Registration date YYYY-MM-DD "
                                   "(default: today, a new learner).", examples=["2024-09-01"])
    glh_max: Ceiling = Field(None, description="Ceiling on new GLH.")
    max_units: Ceiling = Field(None, description="At most this many units (achieved "
                                  "included).")
    cover: Items = items()


class Question(Conditions):
    """Every condition, the skills gaps and what to minimise."""

    objective: Objective = Field("glh", description="What to minimise: new GLH or new TQT.")
    gaps: Items = items()


class PlanBody(Question):
    """POST /api/plan: the best pathway (``planner plan``)."""

    qualification: str = Field(description="award, certificate, diploma, extended-diploma, or "
                               "an accreditation number.", examples=["diploma"])


class CheckBody(Body):
    """POST /api/check: audit a set of units (``planner check``)."""

    qualification: str = Field(examples=["diploma"])
    units: Items = items()
    achieved: Items = items()
    registered: str | None = None
    objective: Objective = "glh"
    complete: bool = Field(True, description="false: the rules and the units rejected only, "
                           "without the way forward (no solve; the page asks /api/plan for it).")


class AlternativesBody(PlanBody):
    """POST /api/alternatives: the k best pathways (``planner alternatives``)."""

    k: int = Field(10, ge=1, le=100)
    differ_by: int = Field(0, ge=0, le=100)


class CompareBody(Question):
    """POST /api/compare: the best route to each qualification (``planner compare``)."""

    qualifications: Items = items()


class ProgressBody(Conditions):
    """POST /api/progress: from a smaller qualification to a larger (``planner progress``; no
    skills gaps, as there)."""

    objective: Objective = "glh"
    source: str = Field(alias="from", examples=["award"])
    target: str = Field(alias="to", examples=["diploma"])


class FrontierBody(Conditions):
    """POST /api/frontier: the Pareto frontier (``planner frontier``; no gaps and no objective:
    ``y`` names the hours minimised)."""

    qualification: str = Field(examples=["diploma"])
    x: str = Field("units", description="units, areas or tqt.")
    y: str = Field("glh", description="glh or tqt.")
    area: Items = items()


class CohortForm(Question):
    """POST /api/cohort's form fields beside the learners file (``planner cohort``): the
    conditions apply to every learner, with each learner's own columns."""

    # the file arrives in the same form as a field of its own: ignore it here, not refuse it
    model_config = ConfigDict(extra="ignore", str_max_length=200)

    qualification: str = Field(examples=["diploma"])
    strict: bool = False

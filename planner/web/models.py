"""The API's request bodies: one pydantic model per question, its fields named as the JSON user
types them. The models check shapes and sizes only; every value is checked by the library, so a
bad value gets the same message as on the command line."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_ITEMS = 200  # more units or areas than any qualification has: a bound on the work, not a rule
Items = list[str]


def items() -> list[str]:
    return Field(default_factory=list, max_length=MAX_ITEMS)  # type: ignore[return-value]


class Body(BaseModel):
    """Fields every question shares; unknown fields are refused (a typo is not silently lost)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True,
                              str_max_length=200)

    achieved: Items = items()
    include: Items = items()
    exclude: Items = items()
    registered: str | None = Field(None, description="Registration date YYYY-MM-DD "
                                   "(default: today, a new learner).", examples=["2024-09-01"])
    time_limit: float | None = Field(None, gt=0, allow_inf_nan=False, description="Solver time "
                                     "limit in seconds (the server's default when left out; "
                                     "never more than the server's ceiling).")


Objective = Literal["glh", "tqt"]


class Conditions(Body):
    """A learner's question to one qualification."""

    qualification: str = Field(description="award, certificate, diploma, extended-diploma, or "
                               "an accreditation number.", examples=["diploma"])
    glh_max: int | None = Field(None, description="Ceiling on new GLH.")
    max_units: int | None = Field(None, description="At most this many units (achieved "
                                  "included).")
    cover: Items = items()


class PlanBody(Conditions):
    """POST /api/plan: the best pathway (``planner plan``)."""

    objective: Objective = Field("glh", description="What to minimise: new GLH or new TQT.")
    gaps: Items = items()


class CheckBody(BaseModel):
    """POST /api/check: audit a set of units (``planner check``)."""

    model_config = ConfigDict(extra="forbid", str_max_length=200)

    qualification: str = Field(examples=["diploma"])
    units: Items = items()
    achieved: Items = items()
    registered: str | None = None
    objective: Objective = "glh"
    time_limit: float | None = Field(None, gt=0, allow_inf_nan=False)
    complete: bool = Field(True, description="false: the rules and the units rejected only, "
                           "without the way forward (no solve; the page asks /api/plan for it).")


class AlternativesBody(PlanBody):
    """POST /api/alternatives: the k best pathways (``planner alternatives``)."""

    k: int = Field(10, ge=1, le=100)
    differ_by: int = Field(0, ge=0, le=100)


class CompareBody(Body):
    """POST /api/compare: the best route to each qualification (``planner compare``)."""

    objective: Objective = "glh"
    qualifications: Items = items()


class ProgressBody(Body):
    """POST /api/progress: from a smaller qualification to a larger (``planner progress``)."""

    objective: Objective = "glh"
    source: str = Field(alias="from", examples=["award"])
    target: str = Field(alias="to", examples=["diploma"])


class FrontierBody(Conditions):
    """POST /api/frontier: the Pareto frontier (``planner frontier``)."""

    x: str = Field("units", description="units, areas or tqt.")
    y: str = Field("glh", description="glh or tqt.")
    area: Items = items()

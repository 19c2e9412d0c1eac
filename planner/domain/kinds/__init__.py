"""The rule kinds of the catalogue's qualification files, one module per kind (the counting
kinds share ``bounds``), each registering its parts together in ``KINDS`` (see ``base``)."""

from planner.domain.kinds.allowed import AllowedUnits
from planner.domain.kinds.barred import Barred
from planner.domain.kinds.base import KINDS, Kind, Rule, RuleCheck, RuleInput, Selection, kind_of
from planner.domain.kinds.bounds import CreditBounds, GroupCredits, UnitCount
from planner.domain.kinds.mandatory import Mandatory
from planner.domain.kinds.superseded import Superseded

__all__ = ["KINDS", "AllowedUnits", "Barred", "CreditBounds", "GroupCredits", "Kind", "Mandatory",
           "Rule", "RuleCheck", "RuleInput", "Selection", "Superseded", "UnitCount", "kind_of"]

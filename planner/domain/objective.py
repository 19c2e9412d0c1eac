"""The objective a learner minimises. Kept free of imports so the CLI can name it at start-up."""

from __future__ import annotations

import enum


class Objective(str, enum.Enum):
    """What a pathway costs the learner: new guided learning hours, or new TQT (credits x 10)."""

    GLH = "glh"
    TQT = "tqt"

    @property
    def other(self) -> Objective:
        return Objective.TQT if self is Objective.GLH else Objective.GLH

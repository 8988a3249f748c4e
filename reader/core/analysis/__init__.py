"""Coverage analysis: questions asked of the whole library rather than of one article
(when did coverage peak, split by outlet or tag). No Qt here; the window and the command
line reach it through :class:`reader.core.library.Library`."""

from reader.core.analysis.timeline import (
    STEPS,
    Bucket,
    Step,
    Timeline,
    build_timeline,
    choose_step,
    period_bounds,
    period_of,
)

__all__ = [
    "STEPS",
    "Bucket",
    "Step",
    "Timeline",
    "build_timeline",
    "choose_step",
    "period_bounds",
    "period_of",
]

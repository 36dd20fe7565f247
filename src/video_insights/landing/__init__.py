"""Landing: inbox files -> validated, enriched, typed Parquet in ``warehouse/lake``.

Entry point :func:`land_inbox`; the layout and columns it writes are those of docs/design.md
("The warehouse directory", "Landed beacon columns", "Quarantine, side feeds, manifest").
"""

from video_insights.landing.errors import LandingError
from video_insights.landing.land import land_inbox
from video_insights.landing.summary import LandingSummary

__all__ = ["LandingError", "LandingSummary", "land_inbox"]

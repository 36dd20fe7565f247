"""Report type modules; importing this package registers every report type."""

from video_insights.reports.types import core  # noqa: F401

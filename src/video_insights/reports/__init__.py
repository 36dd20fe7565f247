"""Report requests over the published warehouse (reports.md)."""

from video_insights.reports.catalog import REPORT_TYPES, report_types
from video_insights.reports.engine import ReportError, ReportRequest, ReportResult, run_report

__all__ = [
    "REPORT_TYPES",
    "ReportError",
    "ReportRequest",
    "ReportResult",
    "report_types",
    "run_report",
]

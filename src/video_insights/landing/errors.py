"""Errors of a whole landing run (the per-line problems go to quarantine, not here)."""

from __future__ import annotations

from video_insights.errors import VideoInsightsError


class LandingError(VideoInsightsError):
    """A landing run could not finish: the inbox is missing, the disk is full, a file is
    unreadable, another run holds the warehouse. The message names the file at fault; no
    half-written output is left behind (temporary files are removed, the file is not in the
    manifest, so the next run lands it again)."""

"""The base of every error the warehouse reports to a user as a message (not a traceback)."""


class VideoInsightsError(Exception):
    """An expected failure with a message that names the file, line, field or check at fault."""

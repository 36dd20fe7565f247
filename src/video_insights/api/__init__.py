"""The report API: the published report tables over HTTP, one partner per token.

* :mod:`.settings` where the warehouse and the token file are, and the API's limits;
* :mod:`.tokens` the token store (only sha256 hashes are kept);
* :mod:`.reader` a read-only connection to the published file, reopened after each publish;
* :mod:`.params` query parameters -> a :class:`~video_insights.reports.ReportRequest`
  (allow-listed names, 400 naming the parameter);
* :mod:`.app` the FastAPI application (``create_app``).
"""

"""Static HTML dashboards over the published report tables.

Every figure on a page comes from :func:`video_insights.reports.engine.run_report` (the same
engine as ``video-insights report``), so a dashboard and the CLI always show the same numbers.
Charts are Plotly; its JavaScript is copied once into the site's ``assets/``, so pages work
offline (no CDN). See docs/dashboards.md.

* :func:`video_insights.dashboard.site.build_site` renders one partner's pages into a folder
  (the ``video-insights dashboard`` command).
* :func:`video_insights.dashboard.nightly.render_nightly_site` renders the default set into
  ``<warehouse>/site/`` after a night is published (the DAG's ``render_dashboards`` task).
"""

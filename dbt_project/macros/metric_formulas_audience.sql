{#-
    Formulas of the "audience" report group (MAP_OVERLAY, PLATFORMS, TOP_SYNDICATION,
    TOP_PLAYBACK_CONTEXT, INTERACTIONS). Like metric_formulas.sql, each macro takes SQL
    expressions over the columns of fct_daily_entry_viewer_metrics; the on-run-end hook stores
    the ones of metric_macro_signatures_audience() as DuckDB macros of the same names.
-#}

{#-
    "Unique played videos" (an aggregate): distinct entries over rows of the viewer grain that
    have a play. Exact over any range and filter, since the fact keeps the entry.
-#}
{% macro unique_played_videos(entry_id, count_plays) -%}
    count(distinct case when ({{ count_plays }}) > 0 then ({{ entry_id }}) end)
{%- endmacro %}


{#- The DuckDB macros of this group: name -> argument names, in order. -#}
{% macro metric_macro_signatures_audience() -%}
    {{ return({
        "unique_played_videos": ["entry_id", "count_plays"],
    }) }}
{%- endmacro %}

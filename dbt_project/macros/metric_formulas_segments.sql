{#-
    Formulas of the "segments" report group (PERCENTILES, USER_ENGAGEMENT, INTERACTIVE_NODES,
    INTERACTIVE_HOTSPOTS); docs/reports/segments.md. Like metric_formulas.sql, each macro takes
    SQL expressions of additive parts and returns the metric's SQL expression; the rpt_ models
    call them, and the on-run-end hook stores the ones of metric_macro_signatures_segments() as
    DuckDB macros of the same names and argument order, so the report command uses the very same
    expressions. Arguments are parenthesized because they are substituted as text.
-#}

{#-
    The number of segments an entry is split into (var('segments'), baked in at build time), so
    the report command lists segments 1..segments_per_entry() without knowing the var.
-#}
{% macro segments_per_entry() -%}
    cast({{ var('segments') }} as bigint)
{%- endmacro %}

{#-
    The per-user heat map of the views-over-duration graph (media-entry-analytics): how often a
    user viewed a segment, in the dashboard's four tiers.
-#}
{% macro heat_map_tier(count_viewers) -%}
    case
        when coalesce(({{ count_viewers }}), 0) <= 0 then 'not viewed'
        when ({{ count_viewers }}) = 1 then 'once'
        when ({{ count_viewers }}) = 2 then 'twice'
        else 'more than twice'
    end
{%- endmacro %}

{#-
    total_completion_rate over several (user, entry) pairs (our rule): the mean over the pairs
    with a play of each pair's total_completion_rate, i.e. the distinct segments covered, summed
    over those pairs, as a percentage of (pairs * segments); 0 when no pair has a play, capped
    at 100. For one pair it equals total_completion_rate(distinct_covered_segments).
-#}
{% macro mean_total_completion_rate(sum_distinct_covered_segments, count_played_entries) -%}
    least(100.0, {{ safe_ratio(
        "(" ~ sum_distinct_covered_segments ~ ") * (100.0 / " ~ var('segments') ~ ")",
        count_played_entries
    ) }})
{%- endmacro %}

{#-
    Interactive video: avg_completion_rate over a node's plays (metrics.md), i.e. the segments
    covered by the plays that sent a NODE_PLAY, per NODE_PLAY, 0..100.
-#}
{% macro node_avg_completion_rate(sum_node_covered_segments, count_node_plays) -%}
    {{ avg_completion_rate(sum_node_covered_segments, count_node_plays) }}
{%- endmacro %}


{#- The DuckDB macros of this group: name -> argument names, in order. -#}
{% macro metric_macro_signatures_segments() -%}
    {{ return({
        "segments_per_entry": [],
        "heat_map_tier": ["count_viewers"],
        "mean_total_completion_rate": ["sum_distinct_covered_segments", "count_played_entries"],
        "node_avg_completion_rate": ["sum_node_covered_segments", "count_node_plays"],
    }) }}
{%- endmacro %}

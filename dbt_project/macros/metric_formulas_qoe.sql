{#-
    Quality of service and live formulas (shared/spec/metrics.md, "Quality of service", "Live";
    docs/reports/qoe.md). Like metric_formulas.sql: each macro takes SQL expressions of ADDITIVE
    parts (the sums and counts fct_daily_qoe_metrics and fct_live_session_minutes keep) and
    returns the metric's SQL expression; the rpt_ models call them, and the on-run-end hook stores
    each one listed in metric_macro_signatures_qoe() as a DuckDB macro of the same name and
    argument order, so the QOE and LIVE report types compute any range with the same expression.
    Arguments are parenthesized because they are substituted as text. Ratios with a zero (or
    NULL) denominator are 0 (safe_ratio of metric_formulas.sql).
-#}

{#- Mean joinTime (s) over the PLAY beacons that carry one. -#}
{% macro avg_join_time(sum_join_time_secs, count_join_times) -%}
    {{ safe_ratio(sum_join_time_secs, count_join_times) }}
{%- endmacro %}

{#-
    An AGGREGATE: the median joinTime (s) of the plays of the group, DuckDB quantile_cont (linear
    interpolation between the closest ranks: position (n - 1) * 0.5 of the sorted values). NULL
    join times are skipped; 0 when no play of the group carries one.
-#}
{% macro p50_join_time(join_time) -%}
    coalesce({{ percentile_continuous(join_time, 0.5) }}, 0.0)
{%- endmacro %}

{#- An AGGREGATE: the 95th percentile joinTime (s), as p50_join_time at position (n - 1) * 0.95. -#}
{% macro p95_join_time(join_time) -%}
    coalesce({{ percentile_continuous(join_time, 0.95) }}, 0.0)
{%- endmacro %}

{#- "Buffer ratio": buffering seconds per second of active playback. -#}
{% macro avg_buffer_time(sum_buffer_time_secs, sum_view_period_secs) -%}
    {{ safe_ratio(sum_buffer_time_secs, sum_view_period_secs) }}
{%- endmacro %}

{#- BUFFER_START beacons per minute viewed. -#}
{% macro rebuffer_per_minute(count_buffer_start, sum_view_period_secs) -%}
    {{ safe_ratio(count_buffer_start, "(" ~ sum_view_period_secs ~ ") / 60.0") }}
{%- endmacro %}

{#- Mean actualBitrate (kbps) over the VIEW beacons that report one (> 0). -#}
{% macro avg_bitrate(sum_actual_bitrate_kbps, count_bitrate_views) -%}
    {{ safe_ratio(sum_actual_bitrate_kbps, count_bitrate_views) }}
{%- endmacro %}

{#- Sessions with an error / sessions with playback (a play request or a play), 0..1. -#}
{% macro avg_session_error_rate(count_error_sessions, count_playback_sessions) -%}
    {{ safe_ratio(count_error_sessions, count_playback_sessions) }}
{%- endmacro %}

{#- Exits before video start per play request, 0..1. -#}
{% macro ebvs_ratio(count_ebvs, count_play_requested) -%}
    {{ safe_ratio(count_ebvs, count_play_requested) }}
{%- endmacro %}

{#- Live and DVR minutes viewed, from seconds of active play time. -#}
{% macro sum_live_view_period(sum_live_view_period_secs) -%}
    coalesce(cast(({{ sum_live_view_period_secs }}) as double) / 60.0, 0.0)
{%- endmacro %}

{#-
    An AGGREGATE over rows of one minute: the viewers "concurrent" in that minute, i.e. the
    distinct sessions that sent a VIEW in it. A session is (entry_id, session_id) of one partner;
    peak_concurrent_viewers is the max of this over the minutes of an hour or range.
-#}
{% macro concurrent_viewers(entry_id, session_id, count_views) -%}
    count(distinct case when ({{ count_views }}) > 0 then {{ tuple_value(['(' ~ entry_id ~ ')', '(' ~ session_id ~ ')']) }} end)
{%- endmacro %}


{#- The playback types the LIVE report and the live marts count (metrics.md: live and DVR). -#}
{% macro live_playback_types() -%}
    {{ return(var('live_playback_types', ['live', 'dvr'])) }}
{%- endmacro %}


{#-
    The DuckDB macros of this group, created by the on-run-end hook (metric_formulas.sql,
    all_metric_macro_signatures): name -> argument names, in order.
-#}
{% macro metric_macro_signatures_qoe() -%}
    {{ return({
        "avg_join_time": ["sum_join_time_secs", "count_join_times"],
        "p50_join_time": ["join_time"],
        "p95_join_time": ["join_time"],
        "avg_buffer_time": ["sum_buffer_time_secs", "sum_view_period_secs"],
        "rebuffer_per_minute": ["count_buffer_start", "sum_view_period_secs"],
        "avg_bitrate": ["sum_actual_bitrate_kbps", "count_bitrate_views"],
        "avg_session_error_rate": ["count_error_sessions", "count_playback_sessions"],
        "ebvs_ratio": ["count_ebvs", "count_play_requested"],
        "sum_live_view_period": ["sum_live_view_period_secs"],
        "concurrent_viewers": ["entry_id", "session_id", "count_views"],
    }) }}
{%- endmacro %}


{#- A UTC offset in minutes as ISO 8601 text: 60 -> '+01:00', -330 -> '-05:30'. -#}
{% macro utc_offset_label(offset_minutes) -%}
    (case when ({{ offset_minutes }}) < 0 then '-' else '+' end
        || lpad(cast(cast(floor(abs({{ offset_minutes }}) / 60) as bigint) as string), 2, '0')
        || ':'
        || lpad(cast(abs({{ offset_minutes }}) % 60 as string), 2, '0'))
{%- endmacro %}


{#- A partner-local wall-clock hour with its UTC offset: '2026-11-02T14:00+01:00'. -#}
{% macro local_hour_label(report_hour, utc_offset) -%}
    ({{ format_iso_minute(report_hour) }} || ({{ utc_offset }}))
{%- endmacro %}

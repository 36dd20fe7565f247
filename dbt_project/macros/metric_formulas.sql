{#-
    One place for each formula (docs/design.md; definitions: shared/spec/metrics.md).

    Every macro here takes SQL expressions of ADDITIVE parts (the sums and counts that
    fct_daily_entry_viewer_metrics keeps) and returns the metric's SQL expression. The rpt_ models
    call them, and the on-run-end hook `create_metric_macros()` stores the very same expressions
    in the warehouse file as DuckDB macros of the same names and argument order, so the report
    command computes any date range with them (`select load_play_ratio(3, 4)` -> 0.75).
    Arguments are parenthesized because they are substituted as text.
-#}

{#- A ratio whose zero (or NULL) denominator gives 0, never NaN or an error. -#}
{% macro safe_ratio(numerator, denominator) -%}
    coalesce(cast(({{ numerator }}) as double) / nullif(cast(({{ denominator }}) as double), 0), 0.0)
{%- endmacro %}

{#- "Play-impression ratio": plays per player load. -#}
{% macro load_play_ratio(count_plays, count_loads) -%}
    {{ safe_ratio(count_plays, count_loads) }}
{%- endmacro %}

{#- Share of plays that reached the end. -#}
{% macro play_through_ratio(count_plays_100, count_plays) -%}
    {{ safe_ratio(count_plays_100, count_plays) }}
{%- endmacro %}

{#- The mean last quartile reached, 0..1. -#}
{% macro avg_view_drop_off(count_plays_25, count_plays_50, count_plays_75, count_plays_100, count_plays) -%}
    {{ safe_ratio(
        "(" ~ count_plays_25 ~ ") + (" ~ count_plays_50 ~ ") + (" ~ count_plays_75 ~ ") + (" ~ count_plays_100 ~ ")",
        "4.0 * (" ~ count_plays ~ ")"
    ) }}
{%- endmacro %}

{#- "Minutes viewed": active play time of all plays, from seconds. -#}
{% macro sum_view_period(sum_view_period_secs) -%}
    coalesce(cast(({{ sum_view_period_secs }}) as double) / 60.0, 0.0)
{%- endmacro %}

{#- Minutes viewed per play. -#}
{% macro avg_view_period_time(sum_view_period_secs, count_plays) -%}
    {{ safe_ratio("(" ~ sum_view_period_secs ~ ") / 60.0", count_plays) }}
{%- endmacro %}

{#- Quartile-based minutes (each quartile beacon adds 25% of the entry's duration), from seconds. -#}
{% macro sum_time_viewed(sum_time_viewed_secs) -%}
    coalesce(cast(({{ sum_time_viewed_secs }}) as double) / 60.0, 0.0)
{%- endmacro %}

{#- Quartile-based minutes per play. -#}
{% macro avg_time_viewed(sum_time_viewed_secs, count_plays) -%}
    {{ safe_ratio("(" ~ sum_time_viewed_secs ~ ") / 60.0", count_plays) }}
{%- endmacro %}

{#-
    Segments covered per play as a percentage 0..100, capped at 100. With var('segments') = 100
    a segment is 1%, so this is covered segments per play; other segment counts scale to 0..100.
-#}
{% macro avg_completion_rate(sum_covered_segments, count_plays) -%}
    least(100.0, {{ safe_ratio("(" ~ sum_covered_segments ~ ") * (100.0 / " ~ var('segments') ~ ")", count_plays) }})
{%- endmacro %}

{#- For one user and entry: distinct segments covered in any play, as a percentage 0..100. -#}
{% macro total_completion_rate(distinct_covered_segments) -%}
    least(100.0, coalesce(cast(({{ distinct_covered_segments }}) as double) * (100.0 / {{ var('segments') }}), 0.0))
{%- endmacro %}

{#- A row's share of the plays of the whole result. -#}
{% macro plays_distribution(count_plays, total_count_plays) -%}
    {{ safe_ratio(count_plays, total_count_plays) }}
{%- endmacro %}

{#-
    "Top videos" score 0..10: 5 * plays / max plays + 2.5 * unique viewers / max unique viewers
    + min(0.025 * avg_completion_rate, 2.5); the maxima over the entries of the same result.
-#}
{% macro engagement_ranking(count_plays, max_count_plays, unique_known_users, max_unique_known_users, avg_completion_rate) -%}
    (5.0 * {{ safe_ratio(count_plays, max_count_plays) }}
        + 2.5 * {{ safe_ratio(unique_known_users, max_unique_known_users) }}
        + least(0.025 * coalesce(cast(({{ avg_completion_rate }}) as double), 0.0), 2.5))
{%- endmacro %}

{#-
    "Unique viewers" (an aggregate): distinct viewers over rows of the viewer grain that have a
    play. Anonymous viewers all carry var('anonymous_user_id'), so they count as one viewer.
-#}
{% macro unique_known_users(user_id, count_plays) -%}
    count(distinct case when ({{ count_plays }}) > 0 then ({{ user_id }}) end)
{%- endmacro %}


{#-
    The DuckDB macros the on-run-end hook creates: name -> argument names, in order.
    Each is created from the Jinja macro of the same name, called with its argument names.
    _metric_formulas.yml documents them.
-#}
{% macro metric_macro_signatures() -%}
    {{ return({
        "safe_ratio": ["numerator", "denominator"],
        "load_play_ratio": ["count_plays", "count_loads"],
        "play_through_ratio": ["count_plays_100", "count_plays"],
        "avg_view_drop_off": ["count_plays_25", "count_plays_50", "count_plays_75", "count_plays_100", "count_plays"],
        "sum_view_period": ["sum_view_period_secs"],
        "avg_view_period_time": ["sum_view_period_secs", "count_plays"],
        "sum_time_viewed": ["sum_time_viewed_secs"],
        "avg_time_viewed": ["sum_time_viewed_secs", "count_plays"],
        "avg_completion_rate": ["sum_covered_segments", "count_plays"],
        "total_completion_rate": ["distinct_covered_segments"],
        "plays_distribution": ["count_plays", "total_count_plays"],
        "engagement_ranking": ["count_plays", "max_count_plays", "unique_known_users", "max_unique_known_users", "avg_completion_rate"],
        "unique_known_users": ["user_id", "count_plays"],
    }) }}
{%- endmacro %}


{#-
    Every signature: the ones above plus those of each report group's own formula file
    (`metric_formulas_<group>.sql` defining `metric_macro_signatures_<group>()`), so a new group
    adds its formulas without editing this file.
-#}
{% macro all_metric_macro_signatures() -%}
    {%- set signatures = {} -%}
    {%- do signatures.update(metric_macro_signatures()) -%}
    {%- for name in context.keys() | sort -%}
        {%- if name.startswith("metric_macro_signatures_") -%}
            {%- do signatures.update(context[name]()) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(signatures) }}
{%- endmacro %}


{#- The `create or replace macro` statements, one per entry of all_metric_macro_signatures(). -#}
{% macro metric_macro_statements() -%}
    {%- set statements = [] -%}
    {%- for name, arguments in all_metric_macro_signatures().items() -%}
        {%- set formula = context[name] -%}
        {%- set expression = formula(*arguments) | trim -%}
        {%- do statements.append(
            "create or replace macro " ~ name ~ "(" ~ arguments | join(", ") ~ ") as " ~ expression
        ) -%}
    {%- endfor -%}
    {{ return(statements) }}
{%- endmacro %}


{#- on-run-end hook: store the metric macros in the warehouse file. -#}
{% macro create_metric_macros() -%}
    {%- if execute -%}
        {%- for statement in metric_macro_statements() -%}
            {%- do run_query(statement) -%}
        {%- endfor -%}
        {{ log("create_metric_macros: " ~ all_metric_macro_signatures() | length ~ " DuckDB macros created", info=true) }}
    {%- endif -%}
    select 1 as metric_macros_created
{%- endmacro %}

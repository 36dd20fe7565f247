{#-
    Where DuckDB and Spark SQL differ, the models call one of these macros (docs/scaling.md).
    Each dispatches on the adapter: `duckdb__` keeps the SQL the warehouse always ran, `spark__`
    is its Spark SQL 4 equivalent. Everything else in the models is SQL both engines accept
    (`* except`, `qualify`, `with recursive`, `group by all`, `filter (where ...)`,
    `cast(... as string)`), so a new engine needs only new `<adapter>__` macros here.
-#}

{#- The SQL type of a list of strings (an entry's categories and tags). -#}
{% macro type_string_array() -%}
    {{ return(adapter.dispatch('type_string_array', 'video_insights')()) }}
{%- endmacro %}

{% macro duckdb__type_string_array() -%}
    varchar[]
{%- endmacro %}

{% macro spark__type_string_array() -%}
    array<string>
{%- endmacro %}


{#- An empty list of strings. -#}
{% macro empty_string_array() -%}
    {{ return(adapter.dispatch('empty_string_array', 'video_insights')()) }}
{%- endmacro %}

{% macro duckdb__empty_string_array() -%}
    []::varchar[]
{%- endmacro %}

{% macro spark__empty_string_array() -%}
    cast(array() as array<string>)
{%- endmacro %}


{#- A select-list generator: one row per element of a list of strings, each trimmed. -#}
{% macro unnest_trimmed(list_expression) -%}
    {{ return(adapter.dispatch('unnest_trimmed', 'video_insights')(list_expression)) }}
{%- endmacro %}

{% macro duckdb__unnest_trimmed(list_expression) -%}
    trim(unnest({{ list_expression }}))
{%- endmacro %}

{% macro spark__unnest_trimmed(list_expression) -%}
    {#- Spark allows no generator inside an expression: trim the elements first. -#}
    explode(transform({{ list_expression }}, list_element -> trim(list_element)))
{%- endmacro %}


{#- The n-th field from the end (-1 = last) of `text` split at `separator`; NULL past the start. -#}
{% macro split_part_from_end(text, separator, position_from_end) -%}
    {{ return(adapter.dispatch('split_part_from_end', 'video_insights')(text, separator, position_from_end)) }}
{%- endmacro %}

{% macro duckdb__split_part_from_end(text, separator, position_from_end) -%}
    list_extract(string_split({{ text }}, '{{ separator }}'), {{ position_from_end }})
{%- endmacro %}

{% macro spark__split_part_from_end(text, separator, position_from_end) -%}
    {#- split() takes a regular expression; limit -1 keeps empty trailing fields, as DuckDB does. -#}
    element_at(split({{ text }}, '{{ modules.re.escape(separator) | replace("\\", "\\\\") }}', -1), {{ position_from_end }})
{%- endmacro %}


{#- A naive UTC timestamp as the naive wall-clock time in the IANA zone `time_zone`. -#}
{% macro utc_to_local(timestamp_expression, time_zone) -%}
    {{ return(adapter.dispatch('utc_to_local', 'video_insights')(timestamp_expression, time_zone)) }}
{%- endmacro %}

{% macro duckdb__utc_to_local(timestamp_expression, time_zone) -%}
    timezone({{ time_zone }}, timezone('UTC', {{ timestamp_expression }}))
{%- endmacro %}

{% macro spark__utc_to_local(timestamp_expression, time_zone) -%}
    from_utc_timestamp({{ timestamp_expression }}, {{ time_zone }})
{%- endmacro %}


{#- Seconds since 1970-01-01 of a timestamp, with its fraction. -#}
{% macro epoch_seconds(timestamp_expression) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'video_insights')(timestamp_expression)) }}
{%- endmacro %}

{% macro duckdb__epoch_seconds(timestamp_expression) -%}
    epoch({{ timestamp_expression }})
{%- endmacro %}

{% macro spark__epoch_seconds(timestamp_expression) -%}
    (unix_micros({{ timestamp_expression }}) / 1000000.0)
{%- endmacro %}


{#- A timestamp as 'YYYY-MM-DDTHH:MM' text. -#}
{% macro format_iso_minute(timestamp_expression) -%}
    {{ return(adapter.dispatch('format_iso_minute', 'video_insights')(timestamp_expression)) }}
{%- endmacro %}

{% macro duckdb__format_iso_minute(timestamp_expression) -%}
    strftime(({{ timestamp_expression }}), '%Y-%m-%dT%H:%M')
{%- endmacro %}

{% macro spark__format_iso_minute(timestamp_expression) -%}
    date_format(({{ timestamp_expression }}), "yyyy-MM-dd'T'HH:mm")
{%- endmacro %}


{#-
    An AGGREGATE: the continuous percentile (linear interpolation between the closest ranks,
    position (n - 1) * fraction of the sorted non-NULL values); NULL over no value.
-#}
{% macro percentile_continuous(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile_continuous', 'video_insights')(expression, fraction)) }}
{%- endmacro %}

{% macro duckdb__percentile_continuous(expression, fraction) -%}
    quantile_cont(({{ expression }}), {{ fraction }})
{%- endmacro %}

{% macro spark__percentile_continuous(expression, fraction) -%}
    percentile(({{ expression }}), {{ fraction }})
{%- endmacro %}


{#- An AGGREGATE: `value` of the row with the largest `ordering`. -#}
{% macro value_at_max(value, ordering) -%}
    {{ return(adapter.dispatch('value_at_max', 'video_insights')(value, ordering)) }}
{%- endmacro %}

{% macro duckdb__value_at_max(value, ordering) -%}
    arg_max({{ value }}, {{ ordering }})
{%- endmacro %}

{% macro spark__value_at_max(value, ordering) -%}
    max_by({{ value }}, {{ ordering }})
{%- endmacro %}


{#- A window function: the previous non-NULL value (follow it with `over ...`). -#}
{% macro lag_ignore_nulls(expression) -%}
    {{ return(adapter.dispatch('lag_ignore_nulls', 'video_insights')(expression)) }}
{%- endmacro %}

{% macro duckdb__lag_ignore_nulls(expression) -%}
    lag({{ expression }} ignore nulls)
{%- endmacro %}

{% macro spark__lag_ignore_nulls(expression) -%}
    lag({{ expression }}) ignore nulls
{%- endmacro %}


{#-
    The IANA time zone names the engine can convert to, as a relation with a column `name`.
    DuckDB lists its own (ICU); Spark (java.time) has no table of them, so its list is the
    tz database names dbt's pytz knows that java.time also knows (both follow the IANA database).
-#}
{% macro time_zone_names() -%}
    {{ return(adapter.dispatch('time_zone_names', 'video_insights')()) }}
{%- endmacro %}

{% macro duckdb__time_zone_names() -%}
    pg_timezone_names()
{%- endmacro %}

{% macro spark__time_zone_names() -%}
    (
        select explode(array(
        {%- for name in modules.pytz.all_timezones %}
            '{{ name }}'{{ "," if not loop.last }}
        {%- endfor %}
        )) as name
    ) as time_zone_names
{%- endmacro %}


{#- The on-run-end hook: DuckDB stores the metric formulas as macros; other engines skip it. -#}
{% macro run_end_hook() -%}
    {{ return(adapter.dispatch('run_end_hook', 'video_insights')()) }}
{%- endmacro %}

{% macro default__run_end_hook() -%}
    {{ log("run_end_hook: the metric formulas are DuckDB macros only; skipped on " ~ target.type, info=true) }}
    select 1 as metric_macros_skipped
{%- endmacro %}

{% macro duckdb__run_end_hook() -%}
    {{ create_metric_macros() }}
{%- endmacro %}


{#- One comparable value made of several expressions (e.g. for `count(distinct ...)` of a pair). -#}
{% macro tuple_value(expressions) -%}
    {{ return(adapter.dispatch('tuple_value', 'video_insights')(expressions)) }}
{%- endmacro %}

{% macro duckdb__tuple_value(expressions) -%}
    [{{ expressions | join(", ") }}]
{%- endmacro %}

{% macro spark__tuple_value(expressions) -%}
    array({{ expressions | join(", ") }})
{%- endmacro %}


{#- An AGGREGATE: `value` of the row with the smallest `ordering`. -#}
{% macro value_at_min(value, ordering) -%}
    {{ return(adapter.dispatch('value_at_min', 'video_insights')(value, ordering)) }}
{%- endmacro %}

{% macro duckdb__value_at_min(value, ordering) -%}
    arg_min({{ value }}, {{ ordering }})
{%- endmacro %}

{% macro spark__value_at_min(value, ordering) -%}
    min_by({{ value }}, {{ ordering }})
{%- endmacro %}


{#-
    A struct of columns, each field named like its column (`relation` qualifies them): one value
    to carry through an aggregate, or to order by (structs compare field by field).
-#}
{% macro struct_of(columns, relation=none) -%}
    {{ return(adapter.dispatch('struct_of', 'video_insights')(columns, relation)) }}
{%- endmacro %}

{% macro duckdb__struct_of(columns, relation=none) -%}
    {%- set prefix = (relation ~ '.') if relation else '' -%}
    struct_pack({% for column in columns %}{{ column }} := {{ prefix }}{{ column }}{{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}

{% macro spark__struct_of(columns, relation=none) -%}
    {%- set prefix = (relation ~ '.') if relation else '' -%}
    named_struct({% for column in columns %}'{{ column }}', {{ prefix }}{{ column }}{{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}


{#-
    Put after `<name> as` of a CTE that several later CTEs read, when reading its table again is
    cheaper than storing the CTE's rows: DuckDB stores (materializes) such a CTE by default,
    every column any reader needs, for every row (fct_qoe_play_requests: docs/benchmarks.md).
    Other engines: nothing (Spark inlines CTEs).
-#}
{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized', 'video_insights')()) }}
{%- endmacro %}

{% macro default__not_materialized() -%}
{%- endmacro %}

{% macro duckdb__not_materialized() -%}
    not materialized
{%- endmacro %}

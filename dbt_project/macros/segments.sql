{#-
    Watched seconds -> segments (metrics.md, "Play sessions and watched intervals").

    The entry is split into var('segments') equal segments, numbered 1..segments; segment k
    (1-based) has its midpoint at (k - 0.5) * duration / segments. A closed interval [start, end]
    contains that midpoint iff  start * segments / duration - 0.5 <= k - 1 <= end * segments /
    duration - 0.5, so the covered range is
        first = ceil(start * segments / duration - 0.5) + 1,  last = floor(end * segments / duration - 0.5) + 1
    clamped to 1..segments; first > last means no midpoint is covered. var('segment_epsilon')
    widens the bounds so a float error never drops a midpoint that sits on an interval end.
-#}
{% macro first_covered_segment(start_secs, duration_secs) -%}
    greatest(1, cast(ceil(({{ start_secs }}) * {{ var('segments') }} / ({{ duration_secs }}) - 0.5 - {{ var('segment_epsilon') }}) as bigint) + 1)
{%- endmacro %}

{% macro last_covered_segment(end_secs, duration_secs) -%}
    least({{ var('segments') }}, cast(floor(({{ end_secs }}) * {{ var('segments') }} / ({{ duration_secs }}) - 0.5 + {{ var('segment_epsilon') }}) as bigint) + 1)
{%- endmacro %}


{#-
    Distinct segments covered per group, from a relation of segment ranges
    (first_segment, last_segment): gaps and islands over the distinct ranges sorted by their
    first and last segment (a total order, so both windows see the same order), no row per
    segment. Returns a select of the group columns and covered_segments.
-#}
{% macro count_distinct_segments(ranges_relation, group_columns) -%}
    {%- set partition = group_columns | join(", ") -%}
    with ranges as (
        -- distinct: equal ranges would be peers in the window order below, placed in either
        -- order, so their islands (and the count) would change from run to run
        select distinct
            {{ partition }},
            first_segment,
            last_segment
        from {{ ranges_relation }}
        where first_segment is not null and first_segment <= last_segment
    ),

    reached_before as (
        select
            *,
            max(last_segment) over (
                partition by {{ partition }}
                order by first_segment, last_segment
                rows between unbounded preceding and 1 preceding
            ) as previous_last_segment
        from ranges
    ),

    islands as (
        select
            *,
            sum(case when previous_last_segment is null or first_segment > previous_last_segment then 1 else 0 end)
                over (
                    partition by {{ partition }}
                    order by first_segment, last_segment
                    rows between unbounded preceding and current row
                ) as island_number
        from reached_before
    ),

    island_sizes as (
        select
            {{ partition }},
            island_number,
            max(last_segment) - min(first_segment) + 1 as island_segments
        from islands
        group by all
    )

    select
        {{ partition }},
        sum(island_segments) as covered_segments
    from island_sizes
    group by all
{%- endmacro %}

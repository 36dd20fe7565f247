{#-
    Incremental nights (docs/guarantees.md, "Incremental nights and late data").

    Day-keyed models are partitioned by (partner_id, <partner-local day>). A nightly build passes
    the partitions to rebuild as var('rebuild_partner_days') (a list of [partner_id, 'YYYY-MM-DD'],
    computed by video_insights.incremental from the lake partitions the night takes in) and the
    new lake partitions as var('new_lake_partitions') (a list of ['YYYY-MM-DD', file_sha256]).
    An incremental model reads its day-keyed inputs on those days widened by
    var('session_span_days') on each side (a play or session that crosses midnight), and keeps
    only the rows of the rebuilt days; the strategy deletes those partitions and inserts the new
    rows. Without the vars (a hand-run `dbt build`, or --full-refresh) every model builds in full.
-#}

{#- The config of a day-partitioned model: one place for the materialization and strategy. -#}
{% macro day_partitioned(date_column='report_date') %}
    {{ config(
        materialized='incremental',
        incremental_strategy=day_partition_strategy(),
        unique_key=['partner_id', date_column],
        on_schema_change='fail',
        **day_partition_engine_config(date_column)
    ) }}
{% endmacro %}


{#- The incremental strategy that replaces whole day partitions (delete+insert on DuckDB). -#}
{% macro day_partition_strategy() %}
    {{ return(adapter.dispatch('day_partition_strategy', 'video_insights')()) }}
{% endmacro %}

{% macro default__day_partition_strategy() %}
    {{ return('partition_replace') }}
{% endmacro %}


{#-
    Delete every rebuilt (partner, day) partition, then insert the model's rows (which hold only
    rebuilt days). Unlike dbt's delete+insert, a rebuilt day whose new result is empty (its rows
    moved to another day) is emptied too. Without a rebuild list the model built every day, and
    every row is replaced.
-#}
{% macro get_incremental_partition_replace_sql(arg_dict) %}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set keys = arg_dict['unique_key'] -%}
    {%- set columns = arg_dict['dest_columns'] | map(attribute='quoted') | join(', ') -%}
    {%- if var('rebuild_partner_days', none) is none %}
    {#- an incremental run without a rebuild list built every partition #}
    delete from {{ target }};
    {%- else %}
    delete from {{ target }}
    where ({{ keys[0] }}, {{ keys[1] }}) in (
        select partner_id, report_date from {{ rebuild_partner_days() }}
    );
    {%- endif %}
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ source }};
{% endmacro %}


{#- True when this model builds only some partitions (an incremental run with a rebuild list). -#}
{% macro builds_partitions() %}
    {{ return(is_incremental() and var('rebuild_partner_days', none) is not none) }}
{% endmacro %}


{#-
    The rebuilt (partner_id, report_date) pairs as a relation, each widened by `before` days
    earlier and `after` days later.
-#}
{% macro rebuild_partner_days(before=0, after=0) %}
    {%- set days = var('rebuild_partner_days', none) or [] -%}
    {%- if days | length == 0 -%}
        (select cast(null as bigint) as partner_id, cast(null as date) as report_date where false)
    {%- else -%}
        (
            select distinct
                cast(rebuilt.partner_id as bigint) as partner_id,
                cast({{ dbt.dateadd('day', 'shift.day_offset', 'cast(rebuilt.report_date as date)') }} as date) as report_date
            from (values
            {%- for partner_id, day in days %}
                ({{ partner_id | int }}, '{{ day }}'){{ "," if not loop.last }}
            {%- endfor %}
            ) as rebuilt (partner_id, report_date)
            cross join (values
            {%- for offset in range(-(before | int), (after | int) + 1) %}
                ({{ offset }}){{ "," if not loop.last }}
            {%- endfor %}
            ) as shift (day_offset)
        )
    {%- endif -%}
{% endmacro %}


{#-
    Filter for a day-keyed input of an incremental model: its rows on the rebuilt days, widened by
    var('session_span_days') on each side (`widen=false`: the rebuilt days only). True in a full build.
-#}
{% macro on_rebuilt_days(partner_column='partner_id', date_column='report_date', widen=true) %}
    {%- if builds_partitions() -%}
        {%- set span = var('session_span_days') if widen else 0 -%}
        ({{ partner_column }}, {{ date_column }}) in (
            select partner_id, report_date from {{ rebuild_partner_days(span, span) }}
        )
    {%- else -%}
        true
    {%- endif -%}
{% endmacro %}


{#-
    Filter for landed beacon rows (stg_kava__beacons) a build takes in: in an incremental build
    the new lake partitions ((event_date, file) pairs) only; in a full build every landed row but
    those of the partitions set aside as too late (var('set_aside_lake_partitions')).
-#}
{% macro on_new_lake_partitions(date_column='event_date', file_column='source_file_sha256') %}
    {%- if builds_partitions() -%}
        {%- set partitions = var('new_lake_partitions', none) or [] -%}
        {%- if partitions | length == 0 -%}
            false
        {%- else -%}
            {{ date_column }} in ({% for day in partitions | map(attribute=0) | unique %}cast('{{ day }}' as date){{ ", " if not loop.last }}{% endfor %})
            and ({{ date_column }}, {{ file_column }}) in ({{ lake_partitions_relation(partitions) }})
        {%- endif -%}
    {%- else -%}
        {%- set set_aside = var('set_aside_lake_partitions', none) or [] -%}
        {%- if set_aside | length == 0 -%}
            true
        {%- else -%}
            ({{ date_column }}, {{ file_column }}) not in ({{ lake_partitions_relation(set_aside) }})
        {%- endif -%}
    {%- endif -%}
{% endmacro %}


{#- A list of ['YYYY-MM-DD', file_sha256] as a relation (event_date, source_file_sha256). -#}
{% macro lake_partitions_relation(partitions) %}
    select cast(lake.event_date as date) as event_date, cast(lake.source_file_sha256 as string) as source_file_sha256
    from (values
    {%- for day, sha in partitions %}
        ('{{ day }}', '{{ sha | replace("'", "") }}'){{ "," if not loop.last }}
    {%- endfor %}
    ) as lake (event_date, source_file_sha256)
{% endmacro %}

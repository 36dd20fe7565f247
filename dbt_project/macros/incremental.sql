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

{#-
    The config of a day-partitioned model: one place for the materialization and strategy.
    `grain='month'` (a monthly report keyed by (partner_id, <month>)): a build replaces the months
    that contain a rebuilt day. `relabel`: the dimension attributes the model copies into its rows
    (names, levels, allowances), refreshed in place on the days the build does not rebuild (see
    relabel_rows below); each item is made by relabel_from().
-#}
{% macro day_partitioned(date_column='report_date', grain='day', relabel=none) %}
    {{ config(
        materialized='incremental',
        incremental_strategy=day_partition_strategy(),
        unique_key=['partner_id', date_column],
        on_schema_change='fail',
        partition_grain=grain,
        relabel=relabel or [],
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
    Delete every rebuilt (partner, day) partition (a monthly model: every month holding a rebuilt
    day), then insert the model's rows (which hold only rebuilt partitions), then refresh the
    copied dimension attributes of the other partitions (relabel_rows). Unlike dbt's
    delete+insert, a rebuilt day whose new result is empty (its rows moved to another day) is
    emptied too. Without a rebuild list the model built every day, and every row is replaced.
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
        select partner_id, {{ partition_of('report_date', config.get('partition_grain', 'day')) }}
        from {{ rebuild_partner_days() }}
    );
    {%- endif %}
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ source }};
    {%- if var('rebuild_partner_days', none) is not none %}
    {%- for item in config.get('relabel', []) %}
    {{ relabel_rows(target, item) }};
    {%- endfor %}
    {%- endif %}
{% endmacro %}


{#- The partition a day falls in: the day itself, or (grain='month') the first day of its month. -#}
{% macro partition_of(date_expression, grain='day') %}
    {%- if grain == 'month' -%}
        cast(date_trunc('month', {{ date_expression }}) as date)
    {%- elif grain == 'day' -%}
        {{ date_expression }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("partition grain must be 'day' or 'month', not " ~ grain) }}
    {%- endif -%}
{% endmacro %}


{#-
    Report tables copy attributes of dimensions that change without any fact changing: an
    entry's name (the entries feed renames it), a user's name, a category's name, an interactive
    node's level and name, a hotspot's name and destination (the newest beacons say), a
    partner's allowances. A full build joins the current dimensions into every row; an
    incremental build rebuilds only the planned partitions, so the rows of the other partitions
    get the current attributes here: one UPDATE that joins the (small) dimension to the report
    and changes only the rows whose copy differs. Cheap: a scan of the report's key columns, no
    fact is read.

    An item (relabel_from): `dim` (a model the report refs), `keys` ({report column: dimension
    column}, every report row's key is in the dimension), `columns` ({report column: expression
    over the dimension's columns}, compared and copied), `derived` ({report column: expression
    over the report's columns and `dims.<column>`}, set on the same rows: e.g. a rate of a copied
    allowance).
-#}
{% macro relabel_rows(target, item) %}
    {%- set keys = item['keys'] -%}
    {%- set columns = item['columns'] -%}
    {%- set derived = item.get('derived') or {} -%}
    update {{ target }} as report
    set
        {%- for column in columns %}
        {{ column }} = dims.{{ column }}{{ "," if not loop.last or derived }}
        {%- endfor %}
        {%- for column, expression in derived.items() %}
        {{ column }} = {{ expression }}{{ "," if not loop.last }}
        {%- endfor %}
    from (
        select distinct
            {%- for report_column, dim_column in keys.items() %}
            {{ dim_column }} as {{ report_column }},
            {%- endfor %}
            {%- for column, expression in columns.items() %}
            {{ expression }} as {{ column }}{{ "," if not loop.last }}
            {%- endfor %}
        from {{ ref(item['dim']) }}
    ) as dims
    where
        {%- for report_column in keys %}
        report.{{ report_column }} = dims.{{ report_column }} and
        {%- endfor %}
        (
            {%- for column in columns %}
            report.{{ column }} is distinct from dims.{{ column }}{{ " or" if not loop.last }}
            {%- endfor %}
        )
{%- endmacro %}


{#- One relabel item of day_partitioned(relabel=[...]) (see relabel_rows). -#}
{% macro relabel_from(dim, keys, columns, derived=none) %}
    {{ return({'dim': dim, 'keys': keys, 'columns': columns, 'derived': derived or {}}) }}
{% endmacro %}


{#- The relabel item of a report's entry name (dim_entries; var('unknown_name') if unnamed). -#}
{% macro relabel_entry_name(entry_column='entry_id', name_column='entry_name') %}
    {{ return(relabel_from(
        'dim_entries',
        {'partner_id': 'partner_id', entry_column: 'entry_id'},
        {name_column: "coalesce(entry_name, '" ~ var('unknown_name') ~ "')"}
    )) }}
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
    Filter for a day-keyed input of a monthly model (grain='month'): its rows in the months that
    hold a rebuilt day (every day of those months). True in a full build.
-#}
{% macro on_rebuilt_months(partner_column='partner_id', date_column='report_date') %}
    {%- if builds_partitions() -%}
        ({{ partner_column }}, {{ partition_of(date_column, 'month') }}) in (
            select distinct partner_id, {{ partition_of('report_date', 'month') }}
            from {{ rebuild_partner_days() }}
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

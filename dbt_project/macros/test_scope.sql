{#-
    Tests on an incremental night check what the night rebuilt (docs/guarantees.md, "What the
    checks of a night cover"). On a night with var('rebuild_partner_days') (an incremental
    build), a test reads a day-partitioned model (day_partitioned(): every fct_, rpt_ and
    day-keyed int_ model) only on the rebuilt partitions:

    - singular data tests (data-tests/, reconciliations across models): through the `ref`
      override below. Both sides of a reconciliation are cut the same way, so a per-(partner,
      day) comparison stays exact. A test that compares monthly reports with daily facts sets
      `config(meta={'test_scope': 'month'})`: it reads the daily models on every day of the
      months that hold a rebuilt day (the monthly reports rebuild whole months). A test that
      joins a model keyed by the play's day (int_play_beacons) to beacons keyed by their own
      day lists it in `config(meta={'test_scope_widen': [...]})`: it reads that model on the
      rebuilt days widened by var('session_span_days') on each side, so the beacons of the
      rebuilt days find their play whichever day it started (the join drops the rest).
    - generic tests (yml: not_null, not_null_columns, accepted_range, expression_is_true, relationships'
      child side): through `get_where_subquery`, on the rebuilt partitions. Uniqueness tests
      (unique, unique_combination) stay global: a key repeated across a rebuilt and an old
      partition is exactly what they must catch, and they are a hash aggregate over the keys.

    Dimensions and other models that are rebuilt in full every night are always read whole. A
    full build (no rebuild list) tests everything.
-#}

{#- The rebuilt partitions of a model as a filter, or none when the model is read whole. -#}
{% macro scoped_partitions_filter(model_name, scope='day', widen=false) %}
    {%- if var('rebuild_partner_days', none) is none or not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set nodes = graph.nodes.values() | selectattr('resource_type', 'in', ['model', 'snapshot'])
        | selectattr('name', 'equalto', model_name) | list -%}
    {%- if nodes | length != 1 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set node_config = nodes[0].config -%}
    {%- set grain = node_config.get('partition_grain') -%}
    {%- set keys = node_config.get('unique_key') -%}
    {%- if grain is none or keys is none or keys is string or keys | length != 2 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if grain == 'month' or scope == 'month' -%}
        {%- set filter -%}
            ({{ keys[0] }}, {{ partition_of(keys[1], 'month') }}) in (
                select distinct partner_id, {{ partition_of('report_date', 'month') }}
                from {{ rebuild_partner_days() }}
            )
        {%- endset -%}
    {%- else -%}
        {%- set span = var('session_span_days') if widen else 0 -%}
        {%- set filter -%}
            ({{ keys[0] }}, {{ keys[1] }}) in (
                select partner_id, report_date from {{ rebuild_partner_days(span, span) }}
            )
        {%- endset -%}
    {%- endif -%}
    {{ return(filter) }}
{% endmacro %}


{#- dbt's ref, scoped for singular data tests (see above). -#}
{% macro ref() %}
    {%- set relation = builtins.ref(*varargs, **kwargs) -%}
    {%- if execute and model is defined and model.resource_type == 'test'
        and not model.get('test_metadata') -%}
        {%- set meta = model.config.get('meta') or {} -%}
        {%- set filter = scoped_partitions_filter(
            varargs[-1], meta.get('test_scope', 'day'), varargs[-1] in meta.get('test_scope_widen', [])
        ) -%}
        {%- if filter is not none -%}
            {{ return('(select * from ' ~ relation ~ ' where ' ~ filter ~ ')') }}
        {%- endif -%}
    {%- endif -%}
    {{ return(relation) }}
{% endmacro %}


{#- dbt's get_where_subquery (the `model` of a generic test), scoped (see above). -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- set test_name = (model.get('test_metadata') or {}).get('name', '') if model is defined else '' -%}
    {%- set filter = none -%}
    {%- if 'unique' not in test_name -%}
        {%- set filter = scoped_partitions_filter(relation.identifier) -%}
    {%- endif -%}
    {%- if where and filter is not none -%}
        {%- do return('(select * from ' ~ relation ~ ' where (' ~ where ~ ') and ' ~ filter ~ ') dbt_subquery') -%}
    {%- elif where -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- elif filter is not none -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ filter ~ ') dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

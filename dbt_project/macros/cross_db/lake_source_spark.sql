{#-
    lake_source on Spark: the landed files as an external table over their folder, typed by the
    source's `data_type`s in _sources.yml (so a file that lacks a documented column reads it as
    NULL, and a folder without files reads as empty, like the DuckDB implementation).

    The folder is the part of the external_location's path before its first glob (`*`); a
    source whose external_location reads with `hive_partitioning = true` is partitioned by the
    columns of its `meta.lake_partitioned_by` (beacons: `event_date=YYYY-MM-DD`). The table is
    re-declared on every run (dropping an external table never touches its files) and its
    partitions recovered, so new days and new documented columns are picked up.
-#}
{% macro spark__lake_source(source_name, table_name) %}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        {{ return(relation) }}
    {%- endif -%}

    {%- set node = lake_source_node(source_name, table_name) -%}
    {%- set location = node.config.get('external_location') or node.meta.get('external_location') -%}
    {%- set match = modules.re.search("'([^']+)'", location or '') -%}
    {%- if not match -%}
        {{ exceptions.raise_compiler_error("lake_source: the external_location of " ~ source_name ~ "." ~ table_name ~ " holds no quoted path: " ~ location) }}
    {%- endif -%}
    {%- set folder = match.group(1).split('*')[0].rstrip('/') -%}
    {%- set partitioned_by = node.meta.get('lake_partitioned_by', []) if 'hive_partitioning = true' in location else [] -%}
    {%- set table = target.schema ~ '.lake__' ~ source_name ~ '__' ~ table_name -%}

    {%- call statement('lake_source_table', fetch_result=false) -%}
        drop table if exists {{ table }}
    {%- endcall -%}
    {%- call statement('lake_source_table', fetch_result=false) -%}
        create table {{ table }} (
        {%- for column in node.columns.values() %}
            {{ column.name }} {{ spark_lake_type(column.data_type) }}{{ "," if not loop.last }}
        {%- endfor %}
        )
        using parquet
        {%- if partitioned_by %}
        partitioned by ({{ partitioned_by | join(", ") }})
        {%- endif %}
        location '{{ folder }}'
    {%- endcall -%}
    {%- if partitioned_by -%}
        {%- call statement('lake_source_table', fetch_result=false) -%}
            alter table {{ table }} recover partitions
        {%- endcall -%}
    {%- endif -%}
    {{ table }}
{% endmacro %}


{#- A _sources.yml data_type (DuckDB spelling) as a Spark type. -#}
{% macro spark_lake_type(data_type) -%}
    {%- set spelled = data_type | lower | trim -%}
    {%- if spelled == 'varchar[]' -%}
        array<string>
    {%- elif spelled == 'varchar' -%}
        string
    {%- else -%}
        {{ spelled }}
    {%- endif -%}
{%- endmacro %}

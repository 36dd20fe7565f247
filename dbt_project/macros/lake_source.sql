{#-
    Read one landed lake table, or an empty relation with the documented columns.

    `source()` is always called (so dbt keeps the lineage); at execution time the macro globs the
    source's files (the path inside its `external_location`). With no file yet - a side feed that
    has not arrived, or no beacons at all - it yields `select <typed nulls> where false`, typed by
    the source's `data_type`s in _sources.yml. Files that lack a documented column (older files
    after a new field was added) get that column as a typed NULL instead of failing the night.
-#}
{% macro lake_source(source_name, table_name) %}
    {{- return(adapter.dispatch('lake_source', 'video_insights')(source_name, table_name)) -}}
{% endmacro %}


{#- DuckDB (and the default): glob the files; Spark: cross_db/lake_source_spark.sql. -#}
{% macro default__lake_source(source_name, table_name) %}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        {{ return(relation) }}
    {%- endif -%}

    {%- set node = lake_source_node(source_name, table_name) -%}
    {%- set columns = node.columns.values() | list -%}
    {%- set file_glob = lake_source_glob(relation, source_name, table_name) -%}
    {%- set file_count = run_query(
        "select count(*) from glob('" ~ file_glob | replace("'", "''") ~ "')"
    ).columns[0].values()[0] -%}

    {%- if file_count == 0 -%}
        {{ log("lake_source: no files for " ~ source_name ~ "." ~ table_name ~ " (" ~ file_glob ~ "): reading it as empty", info=true) }}
        (
            select
            {%- for column in columns %}
                cast(null as {{ column.data_type }}) as {{ column.name }}{{ "," if not loop.last }}
            {%- endfor %}
            where false
        )
    {%- else -%}
        {%- set described = run_query("describe select * from " ~ relation) -%}
        {%- set present = described.columns["column_name"].values() | map("lower") | list -%}
        {%- set missing = columns | rejectattr("name", "in", present) | list -%}
        {%- if missing | length == 0 -%}
            {{ relation }}
        {%- else -%}
            {{ log("lake_source: " ~ source_name ~ "." ~ table_name ~ " files lack " ~ (missing | map(attribute="name") | join(", ")) ~ ": read as NULL", info=true) }}
            (
                select
                    *,
                {%- for column in missing %}
                    cast(null as {{ column.data_type }}) as {{ column.name }}{{ "," if not loop.last }}
                {%- endfor %}
                from {{ relation }}
            )
        {%- endif -%}
    {%- endif -%}
{% endmacro %}


{% macro lake_source_node(source_name, table_name) %}
    {%- for node in graph.sources.values() -%}
        {%- if node.source_name == source_name and node.name == table_name -%}
            {{ return(node) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("lake_source: no source " ~ source_name ~ "." ~ table_name) }}
{% endmacro %}


{#- The quoted path inside the source's external_location, e.g. read_parquet('/lake/beacons/*/*.parquet', ...). -#}
{% macro lake_source_glob(relation, source_name, table_name) %}
    {%- set match = modules.re.search("'([^']+)'", relation | string) -%}
    {%- if not match -%}
        {{ exceptions.raise_compiler_error("lake_source: the external_location of " ~ source_name ~ "." ~ table_name ~ " holds no quoted path: " ~ relation) }}
    {%- endif -%}
    {{ return(match.group(1)) }}
{% endmacro %}

{#-
    Day-partitioned incremental models on each engine (the models call `day_partitioned()` of
    macros/incremental.sql, which asks these two macros). DuckDB replaces the rebuilt
    (partner, day) partitions with delete + insert (`partition_replace`); Spark tables cannot
    delete rows, so Spark partitions each table by (partner_id, day) on disk and overwrites the
    partitions the new rows fall in (`insert_overwrite`, dynamic partition overwrite).
-#}
{% macro spark__day_partition_strategy() %}
    {{ return('insert_overwrite') }}
{% endmacro %}


{#- Extra model config a day-partitioned model needs on the engine (none on DuckDB). -#}
{% macro day_partition_engine_config(date_column='report_date') %}
    {{ return(adapter.dispatch('day_partition_engine_config', 'video_insights')(date_column)) }}
{% endmacro %}

{% macro default__day_partition_engine_config(date_column) %}
    {{ return({}) }}
{% endmacro %}

{% macro spark__day_partition_engine_config(date_column) %}
    {{ return({'partition_by': ['partner_id', date_column], 'file_format': 'parquet'}) }}
{% endmacro %}


{#-
    The strategy of an incremental model that replaces the rows of the keys it rebuilds
    (dbt's delete+insert on DuckDB; Spark overwrites the partitions of the new rows, the table
    partitioned by `partition_by`).
-#}
{% macro keyed_replace_strategy() %}
    {{ return(adapter.dispatch('keyed_replace_strategy', 'video_insights')()) }}
{% endmacro %}

{% macro default__keyed_replace_strategy() %}
    {{ return('delete+insert') }}
{% endmacro %}

{% macro spark__keyed_replace_strategy() %}
    {{ return('insert_overwrite') }}
{% endmacro %}


{#- Extra model config of a keyed_replace_strategy() model on the engine (none on DuckDB). -#}
{% macro keyed_replace_engine_config(partition_by) %}
    {{ return(adapter.dispatch('keyed_replace_engine_config', 'video_insights')(partition_by)) }}
{% endmacro %}

{% macro default__keyed_replace_engine_config(partition_by) %}
    {{ return({}) }}
{% endmacro %}

{% macro spark__keyed_replace_engine_config(partition_by) %}
    {{ return({'partition_by': partition_by, 'file_format': 'parquet'}) }}
{% endmacro %}

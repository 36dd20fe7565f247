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

{#-
    The newest record per key of a side feed (docs/design.md): by updated_at, then landed_at,
    then source_line (a later line of the same file wins); records without a key are dropped.
-#}
{% macro latest_snapshot(relation, key_columns) -%}
    select *
    from {{ relation }}
    where
        {%- for key in key_columns %}
        {{ key }} is not null{{ " and" if not loop.last }}
        {%- endfor %}
    qualify row_number() over (
        partition by {{ key_columns | join(", ") }}
        order by
            updated_at desc nulls last,
            landed_at desc nulls last,
            source_line desc,
            source_file_sha256 desc
    ) = 1
{%- endmacro %}

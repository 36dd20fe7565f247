{#-
    `union all by name` (DuckDB) in SQL every engine accepts: the union of `parts` (a mapping of
    relation name -> its measure columns, in order), each selecting `key_columns` and every
    measure column of all parts, NULL where the part has no such column.
-#}
{% macro union_all_by_name(key_columns, parts) -%}
    {%- set measures = [] -%}
    {%- for columns in parts.values() -%}
        {%- for column in columns if column not in measures -%}
            {%- do measures.append(column) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for relation, columns in parts.items() %}
    select
        {{ key_columns | join(", ") }},
        {%- for column in measures %}
        {{ column if column in columns else "null as " ~ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ relation }}
    {{ "union all" if not loop.last }}
    {%- endfor %}
{%- endmacro %}

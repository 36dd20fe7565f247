{#- 'a', 'b' from a list of strings (for `in (...)` of a list var). -#}
{% macro quoted_list(values) -%}
    {%- if values is string -%}
        {%- set values = [values] -%}
    {%- endif -%}
    {%- for value in values -%}
        '{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

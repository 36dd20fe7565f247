{#- Generic data tests (no dbt packages here: stack-facts.md). -#}

{#- The combination of columns is unique (a compound primary key). -#}
{% test unique_combination(model, combination_of_columns) %}
    select
        {{ combination_of_columns | join(", ") }},
        count(*) as row_count
    from {{ model }}
    group by all
    having count(*) > 1
{% endtest %}


{#- Every value of the column lies in [min_value, max_value] (NULLs pass; test not_null for them). -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}
    select {{ column_name }}
    from {{ model }}
    where
        false
        {%- if min_value is not none %}
        or {{ column_name }} < {{ min_value }}
        {%- endif %}
        {%- if max_value is not none %}
        or {{ column_name }} > {{ max_value }}
        {%- endif %}
{% endtest %}


{#- The SQL expression holds on every row. -#}
{% test expression_is_true(model, expression) %}
    select *
    from {{ model }}
    where not coalesce(({{ expression }}), false)
{% endtest %}

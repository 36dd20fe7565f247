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


{#-
    None of the columns holds a NULL, checked in one scan: one test per model instead of one per
    column (dbt runs each test as a query of its own; a model's primary key keeps its column-level
    not_null beside unique). Fails with one row per column that has NULLs, and how many.
-#}
{% test not_null_columns(model, column_names) %}
    with null_counts as (
        select
            {%- for column in column_names %}
            sum(case when {{ column }} is null then 1 else 0 end) as null_rows_{{ loop.index }}
            {{- "," if not loop.last }}
            {%- endfor %}
        from {{ model }}
    ),

    final as (
        {%- for column in column_names %}
        select '{{ column }}' as column_name, null_rows_{{ loop.index }} as null_rows
        from null_counts
        where null_rows_{{ loop.index }} > 0
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    )

    select * from final
{% endtest %}

{#-
    The formulas of the category and usage reports (docs/reports/category.md; definitions:
    shared/spec/metrics.md "Usage and budget"). Same contract as metric_formulas.sql: each macro
    takes SQL expressions of ADDITIVE parts and returns the metric's expression; the rpt_ models
    call them, and the on-run-end hook stores each one listed in
    metric_macro_signatures_category() as a DuckDB macro of the same name and argument order,
    which the report command calls. Arguments are parenthesized because they are substituted as text.
-#}

{#-
    "Bandwidth": delivered video in GB (10^9 bytes), from the sum over VIEW beacons of
    actualBitrate (kbps) * play seconds added, i.e. kilobits: / 8 -> kilobytes, / 10^6 -> GB.
-#}
{% macro bandwidth_gb(sum_delivered_kilobits) -%}
    coalesce(cast(({{ sum_delivered_kilobits }}) as double) / 8.0 / 1000000.0, 0.0)
{%- endmacro %}

{#- Usage of one resource / the partner's allowance for it (0 when there is no allowance). -#}
{% macro allowance_used_rate(usage, allowance) -%}
    {{ safe_ratio(usage, allowance) }}
{%- endmacro %}

{#- Share of a category's plays that were played inside its category page (playbackContext). -#}
{% macro category_page_play_ratio(count_plays_in_category_page, count_plays) -%}
    {{ safe_ratio(count_plays_in_category_page, count_plays) }}
{%- endmacro %}

{#-
    Chargeback split (our rule): an entry in N top-level categories gives each of them 1 / N of
    its usage, so the categories' shares add up to the partner's total.
-#}
{% macro chargeback_share(top_level_categories) -%}
    {{ safe_ratio("1", top_level_categories) }}
{%- endmacro %}


{#- The DuckDB macros of this file: name -> argument names, in order (_metric_formulas_category.yml). -#}
{% macro metric_macro_signatures_category() -%}
    {{ return({
        "bandwidth_gb": ["sum_delivered_kilobits"],
        "allowance_used_rate": ["usage", "allowance"],
        "category_page_play_ratio": ["count_plays_in_category_page", "count_plays"],
        "chargeback_share": ["top_level_categories"],
    }) }}
{%- endmacro %}

{#-
    Whether two sums of doubles differ by more than rounding: a relative tolerance
    (var('float_relative_tolerance')) of the larger magnitude, at least 1. Sums over millions of
    rows, added up in different orders, differ in their last bits; an absolute 1e-9 fails them.
-#}
{% macro floats_differ(left, right) -%}
    (abs(({{ left }}) - ({{ right }}))
        > {{ var('float_relative_tolerance') }} * greatest(1.0, abs({{ left }}), abs({{ right }})))
{%- endmacro %}

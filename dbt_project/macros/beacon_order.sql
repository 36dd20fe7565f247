{#-
    The order of a session's beacons (metrics.md: received_at, then eventIndex). Ties (same
    received_at and eventIndex) fall back to where the beacon landed from: the file's sha256 and
    the line in it. beacon_id is a keyed hash with a per-warehouse key, so ordering by it would
    let two warehouses holding the same beacons split a tied session differently.

    `file_column`: a column that orders like source_file_sha256 (a model that numbers the files
    in sha256 order sorts on the small number instead of the 64-character hash).
-#}
{% macro beacon_order(relation=none, file_column='source_file_sha256') -%}
    {%- set prefix = (relation ~ '.') if relation else '' -%}
    {{ prefix }}received_at, {{ prefix }}event_index, {{ prefix }}{{ file_column }}, {{ prefix }}source_line
{%- endmacro %}


{#-
    The same order as one comparable value (a struct compared field by field), for
    value_at_min(): the first beacon of a group by aggregation, without sorting the group. The
    four columns are never NULL (tested), so it picks exactly the row `order by beacon_order()`
    puts first, and the order is total (a landed line holds one beacon), so there is no tie.
-#}
{% macro beacon_order_value(relation=none) -%}
    {{ struct_of(['received_at', 'event_index', 'source_file_sha256', 'source_line'], relation) }}
{%- endmacro %}


{#-
    The distinct values of `columns` in `relation`, numbered from 1 in their sort order as
    `number_column`. A sort that carries the number instead of long ids (73-character session
    ids, 64-character file sha256s) keeps the same order at a fraction of the cost:
    `beacon_order(file_column='file_number')` orders exactly like `beacon_order()`
    (docs/benchmarks.md).
-#}
{% macro numbered_values(relation, columns, number_column) -%}
    select
        *,
        row_number() over (order by {{ columns | join(', ') }}) as {{ number_column }}
    from (
        select {{ columns | join(', ') }}
        from {{ relation }}
        group by all
    ) as distinct_values
{%- endmacro %}

{#-
    The order of a session's beacons (metrics.md: received_at, then eventIndex). Ties (same
    received_at and eventIndex) fall back to where the beacon landed from: the file's sha256 and
    the line in it. beacon_id is a keyed hash with a per-warehouse key, so ordering by it would
    let two warehouses holding the same beacons split a tied session differently.
-#}
{% macro beacon_order(relation=none) -%}
    {%- set prefix = (relation ~ '.') if relation else '' -%}
    {{ prefix }}received_at, {{ prefix }}event_index, {{ prefix }}source_file_sha256, {{ prefix }}source_line
{%- endmacro %}

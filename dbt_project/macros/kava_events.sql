{#-
    KAVA event codes by name (contract.EVENT_TYPES; seed kava_event_types.csv). Models write
    {{ event_code('PLAY') }} instead of a bare 3; the data test
    assert_event_codes_macro_matches_seed checks this map against the seed.
-#}
{% macro kava_event_codes() -%}
    {{ return({
        "IMPRESSION": 1,
        "PLAY_REQUEST": 2,
        "PLAY": 3,
        "RESUME": 4,
        "PLAY_REACHED_25_PERCENT": 11,
        "PLAY_REACHED_50_PERCENT": 12,
        "PLAY_REACHED_75_PERCENT": 13,
        "PLAY_REACHED_100_PERCENT": 14,
        "SHARE_CLICKED": 21,
        "SHARE_NETWORK": 22,
        "DOWNLOAD": 23,
        "REPORT_CLICKED": 24,
        "REPORT_SUBMITTED": 25,
        "ENTER_FULLSCREEN": 31,
        "EXIT_FULLSCREEN": 32,
        "PAUSE": 33,
        "REPLAY": 34,
        "SEEK": 35,
        "RELATED_CLICKED": 36,
        "RELATED_SELECTED": 37,
        "CAPTIONS": 38,
        "SOURCE_SELECTED": 39,
        "INFO": 40,
        "SPEED": 41,
        "AUDIO_SELECTED": 42,
        "FLAVOR_SWITCH": 43,
        "BUFFER_START": 45,
        "BUFFER_END": 46,
        "NODE_PLAY": 70,
        "NODE_SWITCH": 71,
        "HOTSPOT_CLICKED": 72,
        "ERROR": 98,
        "VIEW": 99,
    }) }}
{%- endmacro %}


{% macro event_code(name) -%}
    {%- set codes = kava_event_codes() -%}
    {%- if name not in codes -%}
        {{ exceptions.raise_compiler_error("event_code: unknown KAVA event " ~ name) }}
    {%- endif -%}
    {{ codes[name] }}
{%- endmacro %}


{#- `count(*) filter (...)` of the beacons of one event type. -#}
{% macro count_events(name) -%}
    count(*) filter (where event_type = {{ event_code(name) }})
{%- endmacro %}

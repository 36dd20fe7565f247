{#-
    The viewer context every viewer-grain mart carries (geo, device, referrer, playback context),
    and the one rule for a value a beacon lacks: NULL or blank is var('unknown_context_value');
    other values are kept as landed. Every mart uses these macros, so a context value means the
    same in each of them and their figures reconcile per country, device or domain.
-#}
{% macro viewer_context_columns(scope='all') -%}
    {%- set geo_and_device = ['country', 'country_name', 'region', 'city', 'device', 'os', 'browser'] -%}
    {%- if scope == 'geo_and_device' -%}
        {{ return(geo_and_device) }}
    {%- endif -%}
    {{ return(geo_and_device + ['domain', 'canonical_url', 'playback_context']) }}
{%- endmacro %}


{#- One context value: the landed value, or var('unknown_context_value') when NULL or blank. -#}
{% macro context_value(column) -%}
    case
        when trim({{ column }}) <> '' then {{ column }}
        else '{{ var("unknown_context_value") }}'
    end
{%- endmacro %}


{#- The select list of the context columns of `relation_alias` (none: unqualified). -#}
{% macro context_values(relation_alias=none, scope='all') -%}
    {%- for column in viewer_context_columns(scope) %}
    {{ context_value((relation_alias ~ '.' if relation_alias else '') ~ column) }} as {{ column }}
    {{- "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

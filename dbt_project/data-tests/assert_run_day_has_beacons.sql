{{ config(severity='warn') }}
-- A nightly run (var run_day set) whose UTC day has no landed beacon at all: a feed may be late.
{%- set run_day = var('run_day', none) %}
with

run_day_beacons as (
    select count(*) as beacons
    from {{ ref('stg_kava__beacons') }}
    {%- if run_day %}
    where event_date = cast('{{ run_day }}' as date)
    {%- endif %}
),

final as (
    select '{{ run_day }}' as run_day, beacons
    from run_day_beacons
    where {{ 'true' if run_day else 'false' }} and beacons = 0
)

select * from final

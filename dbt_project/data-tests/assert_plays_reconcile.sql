-- Every PLAY beacon is one play in fct_plays and one count in fct_daily_entry_viewer_metrics.
with

play_beacons as (
    select count(*) as plays
    from {{ ref('int_beacons_deduped') }}
    where event_type = {{ event_code('PLAY') }}
),

fact_plays as (
    select count(*) as plays from {{ ref('fct_plays') }}
),

daily_plays as (
    select coalesce(sum(count_plays), 0) as plays from {{ ref('fct_daily_entry_viewer_metrics') }}
),

final as (
    select
        play_beacons.plays as play_beacons,
        fact_plays.plays as fact_plays,
        daily_plays.plays as daily_plays
    from play_beacons
    cross join fact_plays
    cross join daily_plays
    where not (play_beacons.plays = fact_plays.plays and fact_plays.plays = daily_plays.plays)
)

select * from final

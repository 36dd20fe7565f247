{#-
    CONTENT_DROPOFF (the engagement funnel) per partner, local day and entry, for
    var('report_playback_types'). The one-total-row form is the sum of the counts over entries
    (every figure here but play_through_ratio is a count).
-#}
{{ day_partitioned(relabel=[relabel_entry_name()]) }}

with

daily_viewer_metrics as (
    select * from {{ ref('fct_daily_entry_viewer_metrics') }}
    where playback_type in ({{ quoted_list(var('report_playback_types')) }})
        and {{ on_rebuilt_days(widen=false) }}
),

entries as (
    select * from {{ ref('dim_entries') }}
),

aggregated as (
    select
        partner_id,
        report_date,
        entry_id,
        cast(sum(count_loads) as bigint) as count_loads,
        cast(sum(count_plays) as bigint) as count_plays,
        cast(sum(count_plays_25) as bigint) as count_plays_25,
        cast(sum(count_plays_50) as bigint) as count_plays_50,
        cast(sum(count_plays_75) as bigint) as count_plays_75,
        cast(sum(count_plays_100) as bigint) as count_plays_100
    from daily_viewer_metrics
    group by all
),

final as (
    select
        aggregated.partner_id,
        aggregated.report_date,
        aggregated.entry_id,
        coalesce(entries.entry_name, '{{ var("unknown_name") }}') as entry_name,
        aggregated.count_loads,
        aggregated.count_plays,
        aggregated.count_plays_25,
        aggregated.count_plays_50,
        aggregated.count_plays_75,
        aggregated.count_plays_100,
        {{ play_through_ratio('aggregated.count_plays_100', 'aggregated.count_plays') }} as play_through_ratio
    from aggregated
    left join entries
        on aggregated.partner_id = entries.partner_id
        and aggregated.entry_id = entries.entry_id
)

select * from final

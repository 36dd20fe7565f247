-- The runs of one partner, day, entry, viewer, playback type and context never overlap, and two
-- adjacent runs always differ in count_viewers (otherwise they would be one run).
with

runs as (
    select
        *,
        lag(last_segment) over viewer_entry_day as previous_last_segment,
        lag(count_viewers) over viewer_entry_day as previous_count_viewers
    from {{ ref('fct_daily_entry_viewer_segments') }}
    window viewer_entry_day as (
        partition by
            partner_id, report_date, entry_id, user_id, playback_type,
            {{ viewer_context_columns() | join(', ') }}
        order by first_segment
    )
),

final as (
    select *
    from runs
    where
        previous_last_segment >= first_segment
        or (previous_last_segment + 1 = first_segment and previous_count_viewers = count_viewers)
)

select * from final

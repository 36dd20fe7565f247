{#-
    LIVE per partner, live entry and partner-local hour (the rows of the LIVE report): plays,
    live and DVR minutes viewed, the peak of concurrent viewers (the max over the hour's minutes
    of the distinct sessions sending a VIEW in the minute) and unique viewers, all exact for the
    hour (from fct_live_session_minutes).
-#}
{{ day_partitioned(relabel=[relabel_entry_name()]) }}

with

session_minutes as (
    select * from {{ ref('fct_live_session_minutes') }}
    where {{ on_rebuilt_days(widen=false) }}
),

entries as (
    select * from {{ ref('dim_entries') }}
),

minute_viewers as (
    select
        partner_id,
        entry_id,
        report_date,
        report_hour,
        utc_offset,
        hour_label,
        minute_start_utc,
        {{ concurrent_viewers('entry_id', 'session_id', 'count_views') }} as concurrent_viewers
    from session_minutes
    group by all
),

hourly_peaks as (
    select
        partner_id,
        entry_id,
        report_hour,
        utc_offset,
        max(concurrent_viewers) as peak_concurrent_viewers
    from minute_viewers
    group by all
),

hourly_parts as (
    select
        partner_id,
        entry_id,
        report_date,
        report_hour,
        utc_offset,
        hour_label,
        cast(sum(count_plays) as bigint) as count_plays,
        sum(sum_live_view_period_secs) as sum_live_view_period_secs,
        {{ unique_known_users('user_id', 'count_plays') }} as unique_known_users
    from session_minutes
    group by all
),

final as (
    select
        hourly_parts.partner_id,
        hourly_parts.report_date,
        hourly_parts.report_hour,
        hourly_parts.utc_offset,
        hourly_parts.hour_label,
        hourly_parts.entry_id,
        coalesce(entries.entry_name, '{{ var("unknown_name") }}') as entry_name,
        hourly_parts.count_plays,
        {{ sum_live_view_period('hourly_parts.sum_live_view_period_secs') }} as sum_live_view_period,
        cast(coalesce(hourly_peaks.peak_concurrent_viewers, 0) as bigint) as peak_concurrent_viewers,
        hourly_parts.unique_known_users
    from hourly_parts
    left join hourly_peaks
        on hourly_parts.partner_id = hourly_peaks.partner_id
        and hourly_parts.entry_id = hourly_peaks.entry_id
        and hourly_parts.report_hour = hourly_peaks.report_hour
        and hourly_parts.utc_offset = hourly_peaks.utc_offset
    left join entries
        on hourly_parts.partner_id = entries.partner_id
        and hourly_parts.entry_id = entries.entry_id
)

select * from final

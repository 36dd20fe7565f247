{#-
    The usage feed per partner and day (the newest record of each partner and date): storage
    held (a level, GB) and transcoding done (a flow, minutes) as the media platform reports
    them. The feed's date is taken as the partner's report day.
-#}
with

usage as (
    select * from {{ ref('int_usage_latest') }}
),

final as (
    select
        partner_id,
        usage_date as report_date,
        storage_gb,
        transcoding_minutes,
        updated_at
    from usage
)

select * from final

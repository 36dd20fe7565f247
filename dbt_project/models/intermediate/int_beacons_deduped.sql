{#-
    One row per beacon: duplicates (same beacon_id: every field but receivedAt equal) count once,
    keeping the earliest received_at. Adds the viewer (`user_id`, var('anonymous_user_id') for
    every anonymous beacon), the playback type default, the partner's time zone and
    `report_date`: the local date of received_at in that time zone.
-#}
with

beacons as (
    select * from {{ ref('stg_kava__beacons') }}
),

partners as (
    select * from {{ ref('int_partners_latest') }}
),

deduplicated as (
    select
        *,
        count(*) over (partition by beacon_id) as copies_landed
    from beacons
    qualify row_number() over (
        partition by beacon_id
        order by received_at, source_file_sha256, source_line
    ) = 1
),

viewers as (
    select
        * except (user_id, playback_type),
        coalesce(nullif(trim(user_id), ''), '{{ var("anonymous_user_id") }}') as user_id,
        coalesce(nullif(lower(trim(playback_type)), ''), '{{ var("default_playback_type") }}') as playback_type,
        nullif(trim(user_id), '') is null as is_anonymous
    from deduplicated
),

localized as (
    select
        viewers.*,
        coalesce(partners.report_timezone, '{{ var("default_timezone") }}') as partner_timezone
    from viewers
    left join partners
        on viewers.partner_id = partners.partner_id
),

final as (
    select
        beacon_id,
        partner_id,
        cast({{ utc_to_local('received_at', 'partner_timezone') }} as date) as report_date,
        partner_timezone,
        received_at,
        event_type,
        entry_id,
        session_id,
        event_index,
        user_id,
        is_anonymous,
        playback_type,
        * except (
            beacon_id, partner_id, partner_timezone, received_at, event_type, entry_id,
            session_id, event_index, user_id, is_anonymous, playback_type
        )
    from localized
)

select * from final

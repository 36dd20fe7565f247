{#-
    One row per beacon: duplicates (same beacon_id: every field but receivedAt equal) count once,
    keeping the earliest received_at. Adds the viewer (`user_id`, var('anonymous_user_id') for
    every anonymous beacon), the playback type default, the partner's time zone and
    `report_date`: the local date of received_at in that time zone.

    Incremental (macros/incremental.sql): a night reads only its new lake partitions and merges
    them with the previous state of this table: for a beacon_id already known, the earliest copy
    wins and copies_landed adds up. The rebuild list holds the days of the new rows and the days
    of the earlier copies of their beacon ids (video_insights.incremental), so a copy that moves
    to another day leaves its old day.
-#}
{{ day_partitioned() }}
with

beacons as (
    select * from {{ ref('stg_kava__beacons') }}
    where {{ on_new_lake_partitions() }}
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

new_beacons as (
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
),
{% if builds_partitions() %}
previous as (
    -- the state before this night: the rebuilt days and every earlier copy of a new beacon id
    select * from {{ this }}
    where {{ on_rebuilt_days(widen=false) }}
        or beacon_id in (select new_beacons.beacon_id from new_beacons)
),

merged as (
    select
        * replace (cast(sum(copies_landed) over (partition by beacon_id) as bigint) as copies_landed)
    from (
        select * from new_beacons
        union all by name
        select * from previous
    )
    qualify row_number() over (
        partition by beacon_id
        order by received_at, source_file_sha256, source_line
    ) = 1
),

final as (
    select * from merged
    where {{ on_rebuilt_days(widen=false) }}
)
{% else %}
final as (
    select * from new_beacons
)
{% endif %}
select * from final

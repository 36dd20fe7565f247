{#-
    One row per beacon: duplicates (same beacon_id: every field but receivedAt equal) count once,
    keeping the earliest received_at. Adds the viewer (`user_id`, var('anonymous_user_id') for
    every anonymous beacon), the playback type default, the partner's time zone and
    `report_date`: the local date of received_at in that time zone.

    Incremental (macros/incremental.sql): a night reads only its new lake partitions and merges
    them with the previous state of this table: for a beacon_id already known, the earliest copy
    wins and copies_landed adds up. New copies and the previous rows are deduplicated in one
    step: a group by on beacon_id over four narrow columns finds the ids with more than one row
    and, for those only, the earliest copy, which is joined back. That replaced two window
    functions that sorted every wide row (the night's copies, then the merge):
    docs/benchmarks.md has the measurements. The rebuild list holds the days of the new rows
    and the days of the earlier copies of their beacon ids (video_insights.incremental), so a
    copy that moves to another day leaves its old day.
-#}
{{ day_partitioned() }}
with

beacons as {{ not_materialized() }} (
    select * from {{ ref('stg_kava__beacons') }}
    where {{ on_new_lake_partitions() }}
),

partners as (
    select * from {{ ref('int_partners_latest') }}
),

viewers as (
    select
        * except (user_id, playback_type),
        coalesce(nullif(trim(user_id), ''), '{{ var("anonymous_user_id") }}') as user_id,
        coalesce(nullif(lower(trim(playback_type)), ''), '{{ var("default_playback_type") }}') as playback_type,
        nullif(trim(user_id), '') is null as is_anonymous
    from beacons
),

localized as (
    select
        viewers.*,
        coalesce(partners.report_timezone, '{{ var("default_timezone") }}') as partner_timezone
    from viewers
    left join partners
        on viewers.partner_id = partners.partner_id
),

new_copies as (
    -- every copy the night landed, one row each (duplicates included)
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
        ),
        cast(1 as bigint) as copies_landed
    from localized
),

{% if builds_partitions() -%}
previous as {{ not_materialized() }} (
    -- the state before this night: the rebuilt days and every earlier copy of a new beacon id
    select * from {{ this }}
    where {{ on_rebuilt_days(widen=false) }}
        or beacon_id in (select beacons.beacon_id from beacons)
),
{%- endif %}

copy_keys as {{ not_materialized() }} (
    -- the four narrow columns that decide which copy stays (beacons and previous are read again
    -- for these columns rather than materialized: a CTE read twice would be)
    select beacon_id, received_at, source_file_sha256, source_line, cast(1 as bigint) as copies_landed
    from beacons
    {%- if builds_partitions() %}
    union all
    select beacon_id, received_at, source_file_sha256, source_line, copies_landed
    from previous
    {%- endif %}
),

repeated_ids as (
    -- the ids with more than one row to merge: duplicates and beacons seen on an earlier night,
    -- about 1% of a night. Only these go through the join below as its (small) build side, so a
    -- big night's wide rows stream through it instead of spilling (docs/benchmarks.md, 50M)
    select beacon_id
    from copy_keys
    group by beacon_id
    having count(*) > 1
),

first_copies as (
    -- per repeated id: the copies landed and the earliest one ((file, line) is unique per copy)
    select
        beacon_id,
        cast(sum(copies_landed) as bigint) as copies_landed,
        {{ value_at_min(
            struct_of(['source_file_sha256', 'source_line']),
            struct_of(['received_at', 'source_file_sha256', 'source_line'])
        ) }} as first_copy
    from copy_keys
    where beacon_id in (select repeated_ids.beacon_id from repeated_ids)
    group by beacon_id
),

candidates as (
    select * from new_copies
    {%- if builds_partitions() %}
    union all by name
    select * from previous
    {%- endif %}
),

deduplicated as (
    -- an id with one row keeps it (and its copies_landed); a repeated id keeps its earliest copy
    select
        candidates.* except (copies_landed),
        coalesce(first_copies.copies_landed, candidates.copies_landed) as copies_landed
    from candidates
    left join first_copies
        on candidates.beacon_id = first_copies.beacon_id
    where first_copies.beacon_id is null
        or (
            candidates.source_file_sha256 = first_copies.first_copy.source_file_sha256
            and candidates.source_line = first_copies.first_copy.source_line
        )
),

final as (
    select * from deduplicated
    where {{ on_rebuilt_days(widen=false) }}
)

select * from final

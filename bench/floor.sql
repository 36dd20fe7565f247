-- The floor: the report tables of one nightly run computed straight from the raw inbox files in
-- one DuckDB process, with no framework around it (no landing step, no dbt, no checks, no
-- publish). `make bench` times it next to the pipeline on the same data; its tables must equal
-- the pipeline's rpt_ tables (bench/compare.py, tests/bench/).
--
-- Inputs (DuckDB variables, set before this file runs; bench/floor.py does it):
--   beacon_files   VARCHAR[]  gzip JSON-lines beacon files (every inbox: history and the night)
--   entries_files, partners_files, users_files  VARCHAR[]  side-feed files
--   ip_lookup, agent_lookup, referrer_lookup  VARCHAR  Parquet files made OUTSIDE the timed part
--     by bench/floor.py with landing's own resolvers (GeoIP database, user-agent parser,
--     referrer decoder), one row per distinct raw value: enrichment is a join here.
--
-- What the floor leaves out, and why that is fair: quarantine (the benchmark's data has no
-- malformed lines), extra fields, lineage columns, the GX checks and the publish copy. A beacon's
-- duplicates are found on the raw fields the reports read (every one but receivedAt), where
-- landing hashes the whole raw object: the same beacons on simulated data, checked by comparing
-- the tables. The plays' order ties break on the raw line, where dbt breaks them on beacon_id.
--
-- Output: tables floor_highlights, floor_top_content, floor_content_dropoff, floor_map_overlay,
-- floor_platforms, floor_top_syndication, floor_percentiles, floor_user_engagement, with the
-- columns of the matching rpt_ tables (percentiles: views per segment of an entry and day).
-- Metric rules: shared/spec/metrics.md; defaults of dbt_project.yml (100 segments, VOD reports,
-- `Unknown` for absent context, anonymous viewers are one viewer `Unknown`, UTC by default).

create or replace temp macro safe_ratio(numerator, denominator) as
    coalesce(cast(numerator as double) / nullif(cast(denominator as double), 0), 0.0);
create or replace temp macro context_value(value) as
    case when trim(value) <> '' then value else 'Unknown' end;

-- ---------------------------------------------------------------- side feeds (newest snapshot)
create or replace temp table partner_zones as
with
records as (
    select partnerId as partner_id, timezone, cast(updatedAt as timestamp) as updated_at,
        filename, row_number() over () as line
    from read_json(getvariable('partners_files'), format = 'newline_delimited', filename = true,
        columns = {partnerId: 'BIGINT', timezone: 'VARCHAR', updatedAt: 'VARCHAR'})
    where partnerId is not null
),
latest as (
    select * from records
    qualify row_number() over (
        partition by partner_id order by updated_at desc nulls last, filename desc, line desc
    ) = 1
)
select partner_id, coalesce(zones.name, 'UTC') as zone
from latest
left join (select distinct name from pg_timezone_names()) as zones on latest.timezone = zones.name;

create or replace temp table entries as
with
records as (
    select partnerId as partner_id, entryId as entry_id, name, durationSecs as duration_secs,
        cast(updatedAt as timestamp) as updated_at, filename, row_number() over () as line
    from read_json(getvariable('entries_files'), format = 'newline_delimited', filename = true,
        columns = {partnerId: 'BIGINT', entryId: 'VARCHAR', name: 'VARCHAR',
                   durationSecs: 'DOUBLE', updatedAt: 'VARCHAR'})
    where partnerId is not null and entryId is not null
)
select partner_id, entry_id, name, case when duration_secs > 0 then duration_secs end as duration_secs
from records
qualify row_number() over (
    partition by partner_id, entry_id order by updated_at desc nulls last, filename desc, line desc
) = 1;

create or replace temp table users as
with
records as (
    select partnerId as partner_id, userId as user_id, fullName as full_name,
        cast(updatedAt as timestamp) as updated_at, filename, row_number() over () as line
    from read_json(getvariable('users_files'), format = 'newline_delimited', filename = true,
        columns = {partnerId: 'BIGINT', userId: 'VARCHAR', fullName: 'VARCHAR', updatedAt: 'VARCHAR'})
    where partnerId is not null and userId is not null
)
select partner_id, user_id, full_name
from records
qualify row_number() over (
    partition by partner_id, user_id order by updated_at desc nulls last, filename desc, line desc
) = 1;

-- ---------------------------------------------------------------- beacons: dedupe, enrich, localize
create or replace temp table beacons as
with
raw as (
    select *
    from read_json(getvariable('beacon_files'), format = 'newline_delimited',
        columns = {
            receivedAt: 'VARCHAR', eventType: 'BIGINT', partnerId: 'BIGINT', entryId: 'VARCHAR',
            sessionId: 'VARCHAR', eventIndex: 'BIGINT', userId: 'VARCHAR',
            playbackType: 'VARCHAR', position: 'DOUBLE', playTimeSum: 'DOUBLE',
            playbackSpeed: 'DOUBLE', referrer: 'VARCHAR', playbackContext: 'VARCHAR',
            ipAddress: 'VARCHAR', userAgent: 'VARCHAR'
        })
),
deduplicated as (
    -- every field but receivedAt equal: one beacon, at its earliest receivedAt
    select
        min(cast(receivedAt as timestamp)) as received_at,
        eventType as event_type, partnerId as partner_id, entryId as entry_id,
        sessionId as session_id, eventIndex as event_index, userId, playbackType,
        position, playTimeSum as play_time_sum, playbackSpeed, referrer, playbackContext,
        ipAddress, userAgent
    from raw
    group by all
)
select
    row_number() over () as beacon_number,
    deduplicated.event_type,
    deduplicated.partner_id,
    deduplicated.entry_id,
    deduplicated.session_id,
    deduplicated.event_index,
    deduplicated.received_at,
    cast(timezone(coalesce(partner_zones.zone, 'UTC'), timezone('UTC', deduplicated.received_at)) as date)
        as report_date,
    coalesce(nullif(trim(deduplicated.userId), ''), 'Unknown') as user_id,
    coalesce(nullif(lower(trim(deduplicated.playbackType)), ''), 'vod') as playback_type,
    deduplicated.position,
    deduplicated.play_time_sum,
    case when deduplicated.playbackSpeed > 0 then deduplicated.playbackSpeed else 1.0 end as playback_speed,
    context_value(ips.country) as country,
    context_value(ips.country_name) as country_name,
    context_value(ips.region) as region,
    context_value(ips.city) as city,
    context_value(agents.device) as device,
    context_value(agents.os) as os,
    context_value(agents.browser) as browser,
    context_value(referrers.domain) as domain,
    context_value(referrers.canonical_url) as canonical_url
from deduplicated
left join partner_zones on deduplicated.partner_id = partner_zones.partner_id
left join read_parquet(getvariable('ip_lookup')) as ips
    on coalesce(deduplicated.ipAddress, '') = ips.raw_value
left join read_parquet(getvariable('agent_lookup')) as agents
    on coalesce(deduplicated.userAgent, '') = agents.raw_value
left join read_parquet(getvariable('referrer_lookup')) as referrers
    on deduplicated.referrer = referrers.raw_value;

-- ---------------------------------------------------------------- plays and watched segments
-- Runs of a (partner, entry, session) start at its first beacon, at every PLAY and IMPRESSION and
-- where eventIndex does not increase; a run that starts with a PLAY is a play. A PLAY always
-- starts a run and always has a play-time counter (0 when absent), so the previous non-null
-- counter of a later beacon of the play is inside the play.
create or replace temp table play_beacons as
with
ordered as (
    select
        beacon_number, partner_id, entry_id, session_id, event_index, event_type, received_at,
        position, playback_speed,
        case when event_type = 3 then coalesce(play_time_sum, 0.0) else play_time_sum end as counter,
        event_type in (1, 3)
            or coalesce(event_index <= lag(event_index) over session_order, true) as starts_run,
        lag(case when event_type = 3 then coalesce(play_time_sum, 0.0) else play_time_sum end
            ignore nulls) over session_order as previous_counter
    from beacons
    window session_order as (
        partition by partner_id, entry_id, session_id order by received_at, event_index, beacon_number
    )
),
assigned as (
    select
        *,
        last_value(case when starts_run then (case when event_type = 3 then beacon_number else -1 end) end
            ignore nulls) over (
            partition by partner_id, entry_id, session_id order by received_at, event_index, beacon_number
            rows between unbounded preceding and current row
        ) as play_number
    from ordered
)
select
    play_number, beacon_number, partner_id, entry_id, position, playback_speed,
    case
        when event_type = 3 or counter is null or previous_counter is null then 0.0
        when counter >= previous_counter then counter - previous_counter
        else counter
    end as play_time_added
from assigned
where play_number > 0;

-- watched intervals [p - d * speed, p] clipped to [0, duration] -> the segments (1..100) whose
-- midpoints they contain, also as bits of a 128-bit integer (a play's covered segments = the
-- bits set in the OR of its intervals' bits)
create or replace temp table play_intervals as
with
intervals as (
    select
        play_beacons.play_number,
        greatest(0.0, position - play_time_added * playback_speed) as start_secs,
        case when entries.duration_secs is null then position else least(entries.duration_secs, position) end
            as end_secs,
        entries.duration_secs
    from play_beacons
    left join entries using (partner_id, entry_id)
    where play_time_added > 0 and position is not null
),
segmented as (
    select
        play_number,
        greatest(1, cast(ceil(start_secs * 100 / duration_secs - 0.5 - 1e-9) as bigint) + 1) as first_segment,
        least(100, cast(floor(end_secs * 100 / duration_secs - 0.5 + 1e-9) as bigint) + 1) as last_segment
    from intervals
    where end_secs > start_secs and duration_secs is not null
)
select
    play_number, first_segment, last_segment,
    ((1::hugeint << (last_segment - first_segment + 1)::hugeint) - 1) << (first_segment - 1)::hugeint
        as segment_bits
from segmented
where first_segment <= last_segment;

create or replace temp table play_measures as
with
play_time as (
    select play_number, sum(play_time_added) as active_play_secs
    from play_beacons
    group by all
),
play_segments as (
    select play_number, bit_or(segment_bits) as segment_bits
    from play_intervals
    group by all
)
select
    play_time.play_number,
    play_time.active_play_secs,
    coalesce(bit_count(play_segments.segment_bits), 0) as covered_segments,
    play_segments.segment_bits
from play_time
left join play_segments using (play_number);

-- ---------------------------------------------------------------- the viewer grain (VOD)
create or replace temp table viewer_facts as
select
    beacons.partner_id, beacons.report_date, beacons.entry_id, beacons.user_id,
    beacons.country, beacons.country_name, beacons.region, beacons.city,
    beacons.device, beacons.os, beacons.browser, beacons.domain, beacons.canonical_url,
    count(*) filter (where event_type = 1) as count_loads,
    count(*) filter (where event_type = 3) as count_plays,
    count(*) filter (where event_type = 11) as count_plays_25,
    count(*) filter (where event_type = 12) as count_plays_50,
    count(*) filter (where event_type = 13) as count_plays_75,
    count(*) filter (where event_type = 14) as count_plays_100,
    count(*) filter (where event_type = 21) as count_viral,
    coalesce(sum(play_measures.active_play_secs), 0.0) as sum_view_period_secs,
    coalesce(sum(play_measures.covered_segments), 0) as sum_covered_segments,
    coalesce(sum(0.25 * entries.duration_secs) filter (where event_type in (11, 12, 13, 14)), 0.0)
        as sum_time_viewed_secs
from beacons
left join play_measures on beacons.beacon_number = play_measures.play_number
left join entries using (partner_id, entry_id)
where beacons.playback_type = 'vod'
group by all;

-- ---------------------------------------------------------------- the report tables
create or replace table floor_highlights as
select
    partner_id, report_date,
    sum(count_loads)::bigint as count_loads,
    sum(count_plays)::bigint as count_plays,
    count(distinct case when count_plays > 0 then user_id end) as unique_known_users,
    coalesce(sum(sum_view_period_secs) / 60.0, 0.0) as sum_view_period,
    least(100.0, safe_ratio(sum(sum_covered_segments) * 1.0, sum(count_plays))) as avg_completion_rate,
    safe_ratio(sum(count_plays_25) + sum(count_plays_50) + sum(count_plays_75) + sum(count_plays_100),
        4.0 * sum(count_plays)) as avg_view_drop_off,
    safe_ratio(sum(count_plays), sum(count_loads)) as load_play_ratio,
    sum(count_viral)::bigint as count_viral
from viewer_facts
group by all;

create or replace table floor_top_content as
with
per_entry as (
    select
        partner_id, report_date, entry_id,
        sum(count_plays)::bigint as count_plays,
        sum(count_loads)::bigint as count_loads,
        count(distinct case when count_plays > 0 then user_id end) as unique_known_users,
        sum(sum_view_period_secs) as sum_view_period_secs,
        sum(sum_time_viewed_secs) as sum_time_viewed_secs,
        least(100.0, safe_ratio(sum(sum_covered_segments) * 1.0, sum(count_plays))) as avg_completion_rate,
        safe_ratio(sum(count_plays_25) + sum(count_plays_50) + sum(count_plays_75) + sum(count_plays_100),
            4.0 * sum(count_plays)) as avg_view_drop_off
    from viewer_facts
    group by all
)
select
    per_entry.partner_id, per_entry.report_date, per_entry.entry_id,
    coalesce(entries.name, 'Unknown') as entry_name,
    count_plays, count_loads,
    safe_ratio(count_plays, count_loads) as load_play_ratio,
    unique_known_users,
    coalesce(sum_view_period_secs / 60.0, 0.0) as sum_view_period,
    coalesce(sum_time_viewed_secs / 60.0, 0.0) as sum_time_viewed,
    avg_completion_rate, avg_view_drop_off,
    5.0 * safe_ratio(count_plays, max(count_plays) over partner_day)
        + 2.5 * safe_ratio(unique_known_users, max(unique_known_users) over partner_day)
        + least(0.025 * avg_completion_rate, 2.5) as engagement_ranking
from per_entry
left join entries using (partner_id, entry_id)
window partner_day as (partition by per_entry.partner_id, per_entry.report_date);

create or replace table floor_content_dropoff as
select
    partner_id, report_date, entry_id,
    coalesce(any_value(entries.name), 'Unknown') as entry_name,
    sum(count_loads)::bigint as count_loads,
    sum(count_plays)::bigint as count_plays,
    sum(count_plays_25)::bigint as count_plays_25,
    sum(count_plays_50)::bigint as count_plays_50,
    sum(count_plays_75)::bigint as count_plays_75,
    sum(count_plays_100)::bigint as count_plays_100,
    safe_ratio(sum(count_plays_100), sum(count_plays)) as play_through_ratio
from viewer_facts
left join entries using (partner_id, entry_id)
group by partner_id, report_date, entry_id;

create or replace table floor_map_overlay as
select
    partner_id, report_date, country, country_name, region, city,
    sum(count_plays)::bigint as count_plays,
    safe_ratio(sum(count_plays), sum(sum(count_plays)) over (partition by partner_id, report_date))
        as plays_distribution,
    sum(count_loads)::bigint as count_loads,
    count(distinct case when count_plays > 0 then user_id end) as unique_known_users,
    least(100.0, safe_ratio(sum(sum_covered_segments) * 1.0, sum(count_plays))) as avg_completion_rate
from viewer_facts
group by partner_id, report_date, country, country_name, region, city;

create or replace table floor_platforms as
select
    partner_id, report_date, device, os, browser,
    sum(count_plays)::bigint as count_plays,
    safe_ratio(sum(count_plays), sum(sum(count_plays)) over (partition by partner_id, report_date))
        as plays_distribution,
    sum(count_loads)::bigint as count_loads,
    count(distinct case when count_plays > 0 then user_id end) as unique_known_users,
    coalesce(sum(sum_view_period_secs) / 60.0, 0.0) as sum_view_period,
    least(100.0, safe_ratio(sum(sum_covered_segments) * 1.0, sum(count_plays))) as avg_completion_rate
from viewer_facts
group by partner_id, report_date, device, os, browser;

create or replace table floor_top_syndication as
select
    partner_id, report_date, domain, canonical_url,
    sum(count_loads)::bigint as count_loads,
    safe_ratio(sum(count_plays), sum(count_loads)) as load_play_ratio,
    sum(count_plays)::bigint as count_plays,
    safe_ratio(sum(count_plays), sum(sum(count_plays)) over (partition by partner_id, report_date))
        as plays_distribution,
    coalesce(sum(sum_view_period_secs) / 60.0, 0.0) as sum_view_period,
    least(100.0, safe_ratio(sum(sum_covered_segments) * 1.0, sum(count_plays))) as avg_completion_rate,
    count(distinct case when count_plays > 0 then entry_id end) as unique_played_videos
from viewer_facts
group by partner_id, report_date, domain, canonical_url;

-- VOD plays: the PLAY beacon's partner, day, entry and viewer (a play's segments count there)
create or replace temp table vod_plays as
select
    beacons.beacon_number as play_number, beacons.partner_id, beacons.report_date,
    beacons.entry_id, beacons.user_id, play_measures.segment_bits
from play_measures
join beacons on play_measures.play_number = beacons.beacon_number
where beacons.playback_type = 'vod' and play_measures.segment_bits is not null;

create or replace table floor_percentiles as
with
segments as (
    select
        vod_plays.partner_id, vod_plays.report_date, vod_plays.entry_id,
        unnest(range(play_intervals.first_segment, play_intervals.last_segment + 1)) as segment
    from play_intervals
    join vod_plays using (play_number)
)
select partner_id, report_date, entry_id, segment, count(*) as count_viewers
from segments
group by all;

create or replace table floor_user_engagement as
with
per_viewer as (
    select
        partner_id, report_date, user_id, entry_id,
        sum(count_loads)::bigint as count_loads,
        sum(count_plays)::bigint as count_plays,
        sum(count_plays_25) as count_plays_25,
        sum(count_plays_50) as count_plays_50,
        sum(count_plays_75) as count_plays_75,
        sum(count_plays_100) as count_plays_100,
        sum(sum_view_period_secs) as sum_view_period_secs,
        sum(sum_covered_segments) as sum_covered_segments
    from viewer_facts
    group by all
    having sum(count_loads) > 0 or sum(count_plays) > 0
),
covered as (
    select partner_id, report_date, user_id, entry_id, bit_count(bit_or(segment_bits)) as covered_segments
    from vod_plays
    group by all
)
select
    per_viewer.partner_id, per_viewer.report_date, per_viewer.user_id,
    coalesce(users.full_name, 'Unknown') as user_name,
    per_viewer.entry_id,
    coalesce(entries.name, 'Unknown') as entry_name,
    count_loads, count_plays,
    coalesce(sum_view_period_secs / 60.0, 0.0) as sum_view_period,
    least(100.0, safe_ratio(sum_covered_segments * 1.0, count_plays)) as avg_completion_rate,
    least(100.0, coalesce(covered.covered_segments, 0) * 1.0) as total_completion_rate,
    safe_ratio(count_plays_25 + count_plays_50 + count_plays_75 + count_plays_100, 4.0 * count_plays)
        as avg_view_drop_off
from per_viewer
left join covered using (partner_id, report_date, user_id, entry_id)
left join entries using (partner_id, entry_id)
left join users using (partner_id, user_id);

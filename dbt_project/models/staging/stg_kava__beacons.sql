{#- One landed beacon line per row (duplicates included): rename/cast only. -#}
with

source as (
    select * from {{ lake_source('kava', 'beacons') }}
),

final as (
    select
        -- ids and lineage
        cast(beacon_id as string) as beacon_id,
        cast(source_file_sha256 as string) as source_file_sha256,
        cast(source_line as integer) as source_line,

        -- timestamps (UTC, naive)
        cast(received_at as timestamp) as received_at,
        cast(event_date as date) as event_date,
        cast(landed_at as timestamp) as landed_at,

        -- the beacon (contract.BEACON_FIELDS)
        cast(event_type as bigint) as event_type,
        cast(partner_id as bigint) as partner_id,
        cast(entry_id as string) as entry_id,
        cast(session_id as string) as session_id,
        cast(event_index as bigint) as event_index,
        cast(user_id as string) as user_id,
        cast(persistent_session_id as string) as persistent_session_id,
        cast(playback_type as string) as playback_type,
        cast(position as double) as position,
        cast(play_time_sum as double) as play_time_sum,
        cast(buffer_time as double) as buffer_time,
        cast(buffer_time_sum as double) as buffer_time_sum,
        cast(actual_bitrate as double) as actual_bitrate,
        cast(average_bitrate as double) as average_bitrate,
        cast(join_time as double) as join_time,
        cast(referrer as string) as referrer,
        cast(playback_context as string) as playback_context,
        cast(kaltura_application as string) as kaltura_application,
        cast(application as string) as application,
        cast(ui_conf_id as string) as ui_conf_id,
        cast(client_ver as string) as client_ver,
        cast(delivery_type as string) as delivery_type,
        cast(playback_speed as double) as playback_speed,
        cast(caption as string) as caption,
        cast(target_position as double) as target_position,
        cast(error_code as string) as error_code,
        cast(error_position as bigint) as error_position,
        cast(social_network as string) as social_network,
        cast(custom_var1 as string) as custom_var1,
        cast(custom_var2 as string) as custom_var2,
        cast(custom_var3 as string) as custom_var3,
        cast(root_entry_id as string) as root_entry_id,
        cast(node_id as string) as node_id,
        cast(hotspot_id as string) as hotspot_id,
        cast(hotspot_name as string) as hotspot_name,
        cast(destination as string) as destination,
        cast(node_level as bigint) as node_level,

        -- enrichment at landing
        cast(country as string) as country,
        cast(country_name as string) as country_name,
        cast(region as string) as region,
        cast(city as string) as city,
        cast(device as string) as device,
        cast(os as string) as os,
        cast(browser as string) as browser,
        cast(domain as string) as domain,
        cast(canonical_url as string) as canonical_url,
        cast(extra_fields as string) as extra_fields
    from source
)

select * from final

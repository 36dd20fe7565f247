{#- One landed entries record per row (every snapshot): rename/cast only. -#}
with

source as (
    select * from {{ lake_source('kava', 'entries') }}
),

final as (
    select
        cast(entry_id as string) as entry_id,
        cast(partner_id as bigint) as partner_id,
        cast(name as string) as entry_name,
        cast(media_type as string) as media_type,
        cast(duration_secs as double) as duration_secs,
        cast(created_at as timestamp) as created_at,
        cast(creator_user_id as string) as creator_user_id,
        cast(owner_user_id as string) as owner_user_id,
        cast(category_ids as {{ type_string_array() }}) as category_ids,
        cast(tags as {{ type_string_array() }}) as tags,
        cast(status as string) as status,
        cast(updated_at as timestamp) as updated_at,
        cast(extra_fields as string) as extra_fields,
        cast(source_file_sha256 as string) as source_file_sha256,
        cast(source_line as integer) as source_line,
        cast(landed_at as timestamp) as landed_at
    from source
)

select * from final

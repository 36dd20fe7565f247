{#- One quarantined input line (or file-level problem) per row: rename/cast only. -#}
with

source as (
    select * from {{ lake_source('landing', 'quarantine') }}
),

final as (
    select
        cast(source_file_sha256 as string) as source_file_sha256,
        cast(line_number as integer) as line_number,
        cast(source_file as string) as source_file,
        cast(field as string) as field,
        cast(reason as string) as reason,
        cast(raw_line as string) as raw_line,
        cast(landed_at as timestamp) as landed_at
    from source
)

select * from final

{#-
    One row per partner: every partner of the partners feed and every partner seen in beacons,
    so facts never lose their partner. A partner not (yet) in the feed shows var('unknown_name')
    and reports in var('default_timezone').
-#}
with

partners as (
    select * from {{ ref('int_partners_latest') }}
),

beacon_partners as (
    select distinct partner_id
    from {{ ref('int_beacons_deduped') }}
),

all_partners as (
    select partner_id from partners
    union
    select partner_id from beacon_partners
),

final as (
    select
        all_partners.partner_id,
        coalesce(partners.partner_name, '{{ var("unknown_name") }}') as partner_name,
        coalesce(partners.report_timezone, '{{ var("default_timezone") }}') as report_timezone,
        partners.timezone as declared_timezone,
        partners.bandwidth_allowance_gb,
        partners.storage_allowance_gb,
        partners.transcoding_allowance_minutes,
        partners.updated_at,
        partners.partner_id is not null as is_in_feed
    from all_partners
    left join partners
        on all_partners.partner_id = partners.partner_id
)

select * from final

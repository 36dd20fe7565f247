{#-
    One row per entry added to the platform: the entries feed's createdAt, counted on its local
    date in the partner's time zone (like every beacon, metrics.md), with the user who added it
    (creatorUserId; NULL when the feed has none). Feeds "contributors" (distinct creators of the
    entries added to a category in the range) and "entries added" (TOP_CONTRIBUTORS).
-#}
with

entries as (
    select * from {{ ref('dim_entries') }}
),

partners as (
    select * from {{ ref('dim_partners') }}
),

added as (
    select
        entries.partner_id,
        entries.entry_id,
        entries.created_at,
        nullif(trim(entries.creator_user_id), '') as creator_user_id,
        coalesce(partners.report_timezone, '{{ var("default_timezone") }}') as partner_timezone
    from entries
    left join partners
        on entries.partner_id = partners.partner_id
    where entries.created_at is not null
),

final as (
    select
        partner_id,
        cast({{ utc_to_local('created_at', 'partner_timezone') }} as date) as report_date,
        entry_id,
        creator_user_id,
        created_at
    from added
)

select * from final

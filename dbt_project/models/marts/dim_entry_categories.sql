{#-
    The entry-category bridge: one row per (partner, entry, category) for every category an
    entry is in, directly or through a sub-category. The entries feed lists ancestors too
    (raw-events.md); the ancestors of dim_category_hierarchy are added anyway, so a sub-category
    rolls up to every ancestor even when a feed record lists only the leaf. A category the
    categories feed does not know still counts (its content is known from the entries feed).
-#}
with

entries as (
    select * from {{ ref('dim_entries') }}
),

hierarchy as (
    select * from {{ ref('dim_category_hierarchy') }}
),

listed as (
    select distinct
        partner_id,
        entry_id,
        {{ unnest_trimmed('category_ids') }} as category_id
    from entries
),

listed_ids as (
    select * from listed
    where category_id <> ''
),

expanded as (
    select
        listed_ids.partner_id,
        listed_ids.entry_id,
        coalesce(hierarchy.ancestor_category_id, listed_ids.category_id) as category_id,
        coalesce(hierarchy.distance, 0) = 0 as is_listed
    from listed_ids
    left join hierarchy
        on listed_ids.partner_id = hierarchy.partner_id
        and listed_ids.category_id = hierarchy.category_id
),

has_parent as (
    select distinct
        partner_id,
        category_id
    from hierarchy
    where is_parent
),

memberships as (
    select
        partner_id,
        entry_id,
        category_id,
        bool_or(is_listed) as is_listed
    from expanded
    group by all
),

final as (
    select
        memberships.partner_id,
        memberships.entry_id,
        memberships.category_id,
        memberships.is_listed,
        has_parent.category_id is null as is_top_level
    from memberships
    left join has_parent
        on memberships.partner_id = has_parent.partner_id
        and memberships.category_id = has_parent.category_id
)

select * from final

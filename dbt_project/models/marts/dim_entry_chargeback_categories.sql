{#-
    Who pays for an entry's usage (USAGE_BY_CATEGORY): one row per (partner, entry, top-level
    category) with the share of the entry's bandwidth and minutes viewed that category is
    charged. Our rule: an entry in N top-level categories gives each 1 / N (chargeback_share), so
    the shares of an entry add up to 1 and the categories' rows add up to the partner's total;
    an entry in no category is charged to var('uncategorized_category_id'). A category the
    categories feed does not know counts as top-level until the feed says otherwise.
-#}
with

entries as (
    select * from {{ ref('dim_entries') }}
),

entry_categories as (
    select * from {{ ref('dim_entry_categories') }}
),

categories as (
    select * from {{ ref('dim_categories') }}
),

top_levels as (
    select
        partner_id,
        entry_id,
        category_id
    from entry_categories
    where is_top_level
),

charged as (
    select
        entries.partner_id,
        entries.entry_id,
        coalesce(top_levels.category_id, '{{ var("uncategorized_category_id") }}') as category_id,
        top_levels.category_id is null as is_uncategorized,
        count(*) over (partition by entries.partner_id, entries.entry_id) as top_level_categories
    from entries
    left join top_levels
        on entries.partner_id = top_levels.partner_id
        and entries.entry_id = top_levels.entry_id
),

final as (
    select
        charged.partner_id,
        charged.entry_id,
        charged.category_id,
        case
            when charged.is_uncategorized then '{{ var("uncategorized_category_name") }}'
            else coalesce(categories.category_name, '{{ var("unknown_name") }}')
        end as category_name,
        charged.is_uncategorized,
        charged.top_level_categories,
        {{ chargeback_share('charged.top_level_categories') }} as chargeback_share
    from charged
    left join categories
        on charged.partner_id = categories.partner_id
        and charged.category_id = categories.category_id
)

select * from final

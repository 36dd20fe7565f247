-- Every (entry, category) of the bridge has a row for each ancestor of that category.
with

entry_categories as (
    select * from {{ ref('dim_entry_categories') }}
),

hierarchy as (
    select * from {{ ref('dim_category_hierarchy') }}
),

required as (
    select distinct
        entry_categories.partner_id,
        entry_categories.entry_id,
        hierarchy.ancestor_category_id as category_id
    from entry_categories
    inner join hierarchy
        on entry_categories.partner_id = hierarchy.partner_id
        and entry_categories.category_id = hierarchy.category_id
),

final as (
    select * from required
    except
    select partner_id, entry_id, category_id from entry_categories
)

select * from final

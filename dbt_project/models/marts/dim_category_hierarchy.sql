{#-
    The category tree as a closure table: one row per (partner, ancestor, category) pair,
    every category being its own ancestor at distance 0. "C and its sub-categories, any depth"
    is `where ancestor_category_id = C`.

    A category's parent is its parentId, or when the feed has none the id before it in its
    fullIds path. The chain follows parents within the partner and stops at a category with no
    parent, at a parent the feed does not know (it is still listed as an ancestor), or after
    var('category_max_depth') steps (a guard against a cycle in the feed).
-#}
with recursive

categories as (
    select * from {{ ref('dim_categories') }}
),

parents as (
    select
        partner_id,
        category_id,
        coalesce(
            nullif(trim(parent_id), ''),
            nullif({{ split_part_from_end('full_ids', var("category_path_separator"), -2) }}, '')
        ) as parent_category_id
    from categories
),

closure as (
    select
        partner_id,
        category_id as ancestor_category_id,
        category_id,
        0 as distance
    from parents

    union all

    select
        closure.partner_id,
        parents.parent_category_id as ancestor_category_id,
        closure.category_id,
        closure.distance + 1 as distance
    from closure
    inner join parents
        on closure.partner_id = parents.partner_id
        and closure.ancestor_category_id = parents.category_id
    where
        parents.parent_category_id is not null
        and parents.parent_category_id <> closure.category_id
        and closure.distance < {{ var('category_max_depth') }}
),

shortest as (
    select
        partner_id,
        ancestor_category_id,
        category_id,
        min(distance) as distance
    from closure
    group by all
),

final as (
    select
        shortest.partner_id,
        shortest.ancestor_category_id,
        shortest.category_id,
        shortest.distance,
        shortest.distance = 1 as is_parent,
        categories.category_id is not null as is_ancestor_in_feed
    from shortest
    left join categories
        on shortest.partner_id = categories.partner_id
        and shortest.ancestor_category_id = categories.category_id
)

select * from final

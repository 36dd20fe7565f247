-- A category's content includes its sub-categories' content, so its counts are never smaller.
with

highlights as (
    select * from {{ ref('rpt_category_highlights_daily') }}
),

hierarchy as (
    select * from {{ ref('dim_category_hierarchy') }}
    where distance > 0
),

final as (
    select
        sub_category.partner_id,
        sub_category.report_date,
        hierarchy.ancestor_category_id,
        sub_category.category_id
    from highlights as sub_category
    inner join hierarchy
        on sub_category.partner_id = hierarchy.partner_id
        and sub_category.category_id = hierarchy.category_id
    left join highlights as ancestor
        on sub_category.partner_id = ancestor.partner_id
        and sub_category.report_date = ancestor.report_date
        and hierarchy.ancestor_category_id = ancestor.category_id
    where
        ancestor.category_id is null and (sub_category.count_plays > 0 or sub_category.count_loads > 0)
        or ancestor.count_plays < sub_category.count_plays
        or ancestor.count_loads < sub_category.count_loads
        or ancestor.unique_known_users < sub_category.unique_known_users
        or ancestor.sum_view_period < sub_category.sum_view_period - 1e-9
        or ancestor.count_plays_in_category_page < sub_category.count_plays_in_category_page
)

select * from final

{#- One row per category (newest snapshot of the categories feed). -#}
with

categories as (
    select * from {{ ref('int_categories_latest') }}
),

final as (
    select
        category_id,
        partner_id,
        coalesce(category_name, '{{ var("unknown_name") }}') as category_name,
        parent_id,
        full_ids,
        updated_at
    from categories
)

select * from final

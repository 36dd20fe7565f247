{#-
    One row per (partner, user): every user of the users feed and every viewer seen in beacons,
    including the one anonymous viewer var('anonymous_user_id'). Users not (yet) in the feed
    show var('unknown_name').
-#}
with

users as (
    select * from {{ ref('int_users_latest') }}
),

viewers as (
    select
        partner_id,
        user_id,
        bool_and(is_anonymous) as is_anonymous
    from {{ ref('int_beacons_deduped') }}
    group by all
),

all_users as (
    select partner_id, user_id from users
    union
    select partner_id, user_id from viewers
),

final as (
    select
        all_users.partner_id,
        all_users.user_id,
        coalesce(users.full_name, '{{ var("unknown_name") }}') as full_name,
        coalesce(viewers.is_anonymous, false) as is_anonymous,
        users.updated_at,
        users.user_id is not null as is_in_feed
    from all_users
    left join users
        on all_users.partner_id = users.partner_id
        and all_users.user_id = users.user_id
    left join viewers
        on all_users.partner_id = viewers.partner_id
        and all_users.user_id = viewers.user_id
)

select * from final

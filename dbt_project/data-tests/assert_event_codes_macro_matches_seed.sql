-- kava_event_codes() (used by the models) and the seed kava_event_types hold the same codes.
with

macro_codes as (
    select *
    from (values
        {%- for name, code in kava_event_codes().items() %}
        ({{ code }}, '{{ name }}'){{ "," if not loop.last }}
        {%- endfor %}
    ) as codes (code, name)
),

seed_codes as (
    select code, name from {{ ref('kava_event_types') }}
),

final as (
    select 'only in the macro' as problem, * from (select * from macro_codes except select * from seed_codes)
    union all
    select 'only in the seed' as problem, * from (select * from seed_codes except select * from macro_codes)
)

select * from final

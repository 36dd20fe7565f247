-- Each entry's usage is charged exactly once in total (our rule: 1 / N to each top-level category).
with

chargeback as (
    select * from {{ ref('dim_entry_chargeback_categories') }}
),

entries as (
    select * from {{ ref('dim_entries') }}
),

shares as (
    select
        entries.partner_id,
        entries.entry_id,
        coalesce(sum(chargeback.chargeback_share), 0) as total_share
    from entries
    left join chargeback
        on entries.partner_id = chargeback.partner_id
        and entries.entry_id = chargeback.entry_id
    group by all
),

final as (
    select * from shares
    where abs(total_share - 1.0) > 1e-9
)

select * from final

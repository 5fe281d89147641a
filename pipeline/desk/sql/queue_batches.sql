-- One row per proposed batch, the most urgent first: its deadline is its most urgent order's.
-- sku_set is the batch's one SKU set; a mixed batch has none, and counts its sets. courier is
-- the proposed courier its orders share; courier_rules the kinds of rule that chose it.
-- Reads the registered relation `members` (the rows of queue_batch_members.sql).

with members_ as (
    select * from members
),

final as (
    select
        batch_id,
        any_value(kind) as kind,
        case when any_value(kind) in ('single', 'set') then any_value(sku_set) end as sku_set,
        count(distinct sku_set) as sku_sets,
        any_value(proposed_courier) as courier,
        coalesce(list(distinct courier_rule_kind order by courier_rule_kind)
                     filter (where courier_rule_kind is not null), []::varchar[])
            as courier_rules,
        count(*) as orders,
        sum(pieces)::bigint as pieces,
        min(deadline) as deadline,
        min(rank) as first_rank
    from members_
    group by batch_id
)

select batch_id, kind, sku_set, sku_sets, courier, courier_rules, orders, pieces, deadline
from final
order by first_rank

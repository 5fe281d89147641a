-- One row per proposed batch, the most urgent first: its deadline is its most urgent order's.
-- Reads the registered relation `members` (the rows of queue_batch_members.sql).

with members_ as (
    select * from members
),

final as (
    select
        batch_id,
        any_value(sku_set) as sku_set,
        any_value(courier) as courier,
        count(*) as orders,
        sum(pieces)::bigint as pieces,
        min(deadline) as deadline,
        min(rank) as first_rank
    from members_
    group by batch_id
)

select batch_id, sku_set, courier, orders, pieces, deadline
from final
order by first_rank

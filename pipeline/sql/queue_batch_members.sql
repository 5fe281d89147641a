-- Proposed batches (DESIGN §5): orders of the same SKU set for the same courier, in queue
-- order, cut every $max_size orders. Held (problem) and already processed orders stay out.
-- Reads the registered relation `queued` (the rows of queue_orders.sql).
-- A batch id is the first 6 hex digits of md5(SKU set | courier), then its part number.
-- Parameters: $max_size.

with queue as (
    select * from queued
),

eligible as (
    select *
    from queue
    where not held and not processed
),

numbered as (
    select
        *,
        row_number() over (partition by sku_set, courier order by rank) - 1 as position
    from eligible
),

final as (
    select
        substr(md5(coalesce(sku_set, '') || '|' || coalesce(courier, '')), 1, 6)
            || '-' || (position // $max_size + 1) as batch_id,
        rank,
        platform,
        shop,
        order_id,
        state,
        paid_at,
        ship_by,
        deadline,
        hours_left,
        due,
        stale,
        data_as_of,
        sku_set,
        courier,
        lines,
        pieces
    from numbered
)

select * from final order by rank

-- Returns received (DESIGN §11): parcels the desk recorded as received and resellable, per SKU,
-- until the next stock snapshot after them (the stock export then counts them). A case counts
-- once, by its latest `received` still in effect, when that says `resellable` and the case
-- names a SKU; one unit per case. The snapshot is the SKU's own (its newest stock row), else,
-- for a SKU the stock does not list, the newest of any.
-- Reads `cases`, `effective_events` and `stock`.

with received as (
    select
        platform,
        shop,
        case_id,
        arg_max(kind, event_id) as kind,
        arg_max(acted_at, event_id) as received_at
    from effective_events
    where case_id is not null and action = 'received'
    group by all
),

resellable as (
    select trim(c.sku) as sku, r.received_at
    from received as r
    join cases as c using (platform, shop, case_id)
    where r.kind = 'resellable' and nullif(trim(c.sku), '') is not null
),

sku_snapshots as (
    select sku, max(snapshot_at) as snapshot_at
    from stock
    group by sku
),

newest_snapshot as (
    select max(snapshot_at) as snapshot_at from stock
),

final as (
    select
        r.sku,
        '' as warehouse,
        count(*)::bigint as quantity
    from resellable as r
    left join sku_snapshots as k using (sku)
    cross join newest_snapshot as n
    where coalesce(k.snapshot_at, n.snapshot_at) is null
       or r.received_at > coalesce(k.snapshot_at, n.snapshot_at)
    group by r.sku
)

select * from final order by sku

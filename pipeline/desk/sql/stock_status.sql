-- Stock per SKU (summed over warehouses) against demand (DESIGN §6, §7): what the orders waiting
-- to ship need (bundles exploded, gifts included), the stock they take from (`allocatable`, by
-- the figure in `basis`: available_by_sku()), the shortfall, and days of cover at the last
-- 7 days' rate and at a promotion's rate. Every SKU in the stock table or demanded is listed.
-- `available` is the exported available, summed. An SKU with no stock figure is `untracked`:
-- no shortfall, no cover, never below safety. Days of cover = what is left after the waiting
-- orders (allocatable − open demand, not below 0) ÷ units per day; null when nothing moved.
-- Below safety: that same remainder under the safety stock. With no stock imported, stock
-- columns and `basis` are null.
-- `returns_received`: the parcels the desk received resellable since the SKU's last stock
-- snapshot (DESIGN §11), apart from the export's figures (which it never changes).
-- Reads the registered relations `rated_lines` (stock_rated_lines.sql: the paid lines of at
-- least the orders paid in the last 7 days or placed in the promotion), `sku_titles`
-- (sku_titles.sql) and `returns_received` (aftersales_returns_received.sql).
-- Parameters: $as_of, $promo_start, $promo_end (the promotion window; null when none).

with stock_rows as (
    select * from stock
),

stock_loaded as (
    select count(*) > 0 as loaded from stock_rows
),

per_sku_stock as (
    select
        sku,
        max(name) as name,
        count(*) as warehouses,
        sum(on_hand) as on_hand,
        sum(available) as available,
        sum(reserved) as reserved,
        sum(in_transit) as in_transit,
        sum(safety_stock) as safety_stock,
        max(snapshot_at) as snapshot_at
    from stock_rows
    group by sku
),

allocatable as (
    select * from available_by_sku()
),

open_demand as (
    select sku, sum(quantity)::bigint as open_demand
    from waiting_exploded_lines()
    where sku is not null and quantity > 0
    group by sku
),

paid_lines as (
    select sku, quantity, created_at, paid_at
    from rated_lines
),

last_7_days as (
    select sku, sum(quantity)::bigint as units_7d
    from paid_lines
    where paid_at >= $as_of::timestamp - interval 7 day and paid_at < $as_of::timestamp
    group by sku
),

promotion as (
    select sku, sum(quantity)::bigint as promo_units
    from paid_lines
    where created_at >= $promo_start::timestamp and created_at < $promo_end::timestamp
    group by sku
),

promo_days as (
    select epoch($promo_end::timestamp - $promo_start::timestamp) / 86400.0 as days
),

names as (
    select sku, title from sku_titles
),

returned as (
    select sku, sum(quantity)::bigint as returns_received
    from returns_received
    group by sku
),

skus as (
    select sku from per_sku_stock
    union
    select sku from open_demand
    union
    select sku from returned
),

joined as (
    select
        k.sku,
        coalesce(st.name, n.title) as name,
        st.warehouses,
        st.on_hand,
        st.available,
        al.allocatable,
        case
            when not l.loaded then null
            when al.sku is null then 'untracked'
            else al.basis
        end as basis,
        al.sku is not null as tracked,
        st.reserved,
        st.in_transit,
        st.safety_stock,
        coalesce(d.open_demand, 0) as open_demand,
        coalesce(w.units_7d, 0) as units_7d,
        coalesce(w.units_7d, 0) / 7.0 as rate_7d,
        case when pd.days > 0 then coalesce(p.promo_units, 0) / pd.days end as promo_rate,
        st.sku is not null as in_stock_file,
        coalesce(rr.returns_received, 0) as returns_received,
        st.snapshot_at,
        l.loaded
    from skus as k
    cross join stock_loaded as l
    cross join promo_days as pd
    left join per_sku_stock as st using (sku)
    left join allocatable as al using (sku)
    left join open_demand as d using (sku)
    left join last_7_days as w using (sku)
    left join promotion as p using (sku)
    left join names as n using (sku)
    left join returned as rr using (sku)
),

final as (
    select
        sku,
        name,
        warehouses,
        on_hand,
        available,
        reserved,
        in_transit,
        safety_stock,
        allocatable,
        basis,
        open_demand,
        case when tracked then greatest(open_demand - allocatable, 0) end as shortfall,
        units_7d,
        rate_7d,
        case when tracked and rate_7d > 0
            then greatest(allocatable - open_demand, 0) / rate_7d end as cover_days_7d,
        promo_rate,
        case when tracked and promo_rate > 0
            then greatest(allocatable - open_demand, 0) / promo_rate end as cover_days_promo,
        coalesce(
            tracked and safety_stock > 0
            and greatest(allocatable - open_demand, 0) < safety_stock,
            false
        ) as below_safety,
        in_stock_file,
        returns_received,
        snapshot_at
    from joined
)

select * from final
order by shortfall desc nulls last, cover_days_7d asc nulls last, sku

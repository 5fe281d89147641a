-- Per shop, the latest moment the clock rules (sla_clock_rules.sql) compare with a shop's
-- moment: the newest creation, payment, closing, shipping, confirmation and reminder of its
-- orders. The rows of the clock rules as of any later moment are those as of this one.

with order_times as (
    select
        platform,
        shop,
        greatest(max(created_at), max(paid_at), max(closed_at), max(shipped_at)) as latest_at
    from orders
    group by all
),

desk_times as (
    select
        platform,
        shop,
        greatest(max(confirmed_at), max(reminded_at)) as latest_at
    from order_state
    group by all
),

final as (
    select platform, shop, max(latest_at) as horizon
    from (
        select * from order_times
        union all
        select * from desk_times
    )
    group by all
)

select * from final

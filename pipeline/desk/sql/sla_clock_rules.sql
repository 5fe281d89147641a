-- The two time rules read from facts (DESIGN §4): chase_unpaid and ship_paid, one row per
-- order under a rule as of its shop's moment with its deadline. An order paid, reminded or
-- shipped after that moment is counted as it was then. out_of_stock and address come from
-- the problem marks.
-- A cash-on-delivery order is chased until it is confirmed (DESIGN §3): by the desk's
-- *confirm* (at its time), or by the export (the Shopify tag, 买家已确认: confirmed all along).
-- The desk's own reminders are taken as of the moment asked ($as_of), also for a stale shop
-- evaluated at its data moment: they happen at the desk, not in the export. (A confirmation
-- stays at the shop's moment: it also starts the order's ship_paid clock, read there.)
-- Reads the registered relation `shop_moments` (platform, shop, as_of, stale): the moment each
-- shop is evaluated at ($as_of, or the data moment of a stale shop; pipeline/desk/freshness.py);
-- and open_orders, order_state (the orders no longer open are read there, with their times).
-- Parameters: $as_of, $chase_hours, $ship_hours, $date_from, $date_to, $shops, $platforms, and
-- $changed_after (the earliest of $as_of and the shops' moments).

with moments as (
    select platform, shop, as_of, stale
    from shop_moments
),

open_now as (
    select
        o.platform, o.shop, o.order_id, o.created_at, o.paid_at, o.closed_at, o.ship_by,
        null::timestamp as shipped_at, o.is_cod, o.state, o.is_paid, o.confirmed,
        o.confirmed_at, o.waiting_to_ship, o.reminded_at, o.ready_at,
        coalesce(m.as_of, $as_of::timestamp) as as_of, coalesce(m.stale, false) as stale
    from open_orders as o
    left join moments as m using (platform, shop)
    where o.created_at <= coalesce(m.as_of, $as_of::timestamp)
      and in_filters(o.created_at, o.shop, o.platform, $date_from, $date_to, $shops, $platforms)
),

-- Orders no longer open that were paid, shipped or closed after their moment: as they were then.
-- (Their times are kept with their state: a scan of a few timestamps, no join with orders.)
changed_since as (
    select
        o.platform, o.shop, o.order_id, o.created_at, o.paid_at, o.closed_at, o.ship_by,
        o.shipped_at, o.is_cod, o.state, o.is_paid, o.confirmed, o.confirmed_at,
        o.waiting_to_ship, o.reminded_at,
        coalesce(m.as_of, $as_of::timestamp) as as_of,
        coalesce(m.stale, false) as stale
    from order_state as o
    left join moments as m using (platform, shop)
    -- the earliest moment of any shop first: a filter of the scan, before the join
    where (
          o.paid_at > $changed_after::timestamp
          or o.closed_at > $changed_after::timestamp
          or o.shipped_at > $changed_after::timestamp
      )
      and (
          o.paid_at > coalesce(m.as_of, $as_of::timestamp)
          or o.closed_at > coalesce(m.as_of, $as_of::timestamp)
          or o.shipped_at > coalesce(m.as_of, $as_of::timestamp)
      )
      and o.created_at <= coalesce(m.as_of, $as_of::timestamp)
      and in_filters(o.created_at, o.shop, o.platform, $date_from, $date_to, $shops, $platforms)
      and not exists (
          select 1 from open_orders as x
          where x.platform = o.platform and x.shop = o.shop and x.order_id = o.order_id
      )
),

changed_rows as (
    select
        platform, shop, order_id, created_at, paid_at, closed_at, ship_by,
        shipped_at, coalesce(is_cod, false) as is_cod, state, is_paid, confirmed,
        confirmed_at, waiting_to_ship, reminded_at,
        case
            when is_paid then coalesce(paid_at, created_at)
            else coalesce(confirmed_at, created_at)
        end as ready_at,
        as_of,
        stale
    from changed_since
),

scoped as (
    select * from open_now
    union all
    select * from changed_rows
),

chase_unpaid as (
    select
        platform, shop, order_id,
        'chase_unpaid' as rule,
        created_at + to_seconds(round($chase_hours * 3600)::bigint) as deadline,
        as_of,
        stale
    from scoped
    where (
          state in ('unconfirmed_unpaid', 'confirmed_unpaid')
          or paid_at > as_of
          or (state = 'closed' and closed_at > as_of)
          -- a COD order confirmed after the moment and processed since: unconfirmed then
          or (is_cod and not is_paid and state = 'paid_processed' and confirmed_at > as_of)
      )
      and (not is_cod or not confirmed or confirmed_at > as_of)
      and coalesce(paid_at > as_of, true)
      and coalesce(reminded_at > $as_of::timestamp, true)
),

ship_paid as (
    select
        platform, shop, order_id,
        'ship_paid' as rule,
        least(ready_at + to_seconds(round($ship_hours * 3600)::bigint), ship_by) as deadline,
        as_of,
        stale
    from scoped
    where ready_at <= as_of
      and (
          waiting_to_ship
          or (state in ('shipped', 'completed') and shipped_at > as_of)
      )
),

final as (
    select * from chase_unpaid
    union all
    select * from ship_paid
)

select * from final

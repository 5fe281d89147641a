-- The two time rules read from facts (DESIGN §4): chase_unpaid and ship_paid, one row per
-- order under a rule as of $as_of with its deadline. An order paid, reminded or shipped after
-- $as_of is counted as it was then. out_of_stock and address come from the problem marks.
-- Parameters: $as_of, $chase_hours, $ship_hours, $date_from, $date_to, $shops, $platforms.

with scoped as (
    select
        o.*,
        s.state,
        s.waiting_to_ship,
        s.reminded_at,
        case
            when s.is_paid then coalesce(o.paid_at, o.created_at)
            else coalesce(s.confirmed_at, o.created_at)
        end as ready_at
    from filtered_orders($date_from, $date_to, $shops, $platforms) as o
    join order_state as s using (platform, shop, order_id)
    where o.created_at <= $as_of
),

chase_unpaid as (
    select
        platform, shop, order_id,
        'chase_unpaid' as rule,
        created_at + to_seconds(round($chase_hours * 3600)::bigint) as deadline
    from scoped
    where not coalesce(is_cod, false)
      and (
          state in ('unconfirmed_unpaid', 'confirmed_unpaid')
          or paid_at > $as_of
          or (state = 'closed' and closed_at > $as_of)
      )
      and coalesce(paid_at > $as_of, true)
      and coalesce(reminded_at > $as_of, true)
),

ship_paid as (
    select
        platform, shop, order_id,
        'ship_paid' as rule,
        least(ready_at + to_seconds(round($ship_hours * 3600)::bigint), ship_by) as deadline
    from scoped
    where ready_at <= $as_of
      and (
          waiting_to_ship
          or (state in ('shipped', 'completed') and shipped_at > $as_of)
      )
),

final as (
    select * from chase_unpaid
    union all
    select * from ship_paid
)

select * from final

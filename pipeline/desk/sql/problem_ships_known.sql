-- Whether one shop's imported order files carry a shipping fact (DESIGN §4): one of its orders
-- with a ship or completion time, a courier, a tracking number, or a status word, as exported
-- or read (a status column says when an order ships). One order is enough: the scan stops at
-- the first. Reads `orders` alone: the same for every moment and every action.
-- Parameters: $platform, $shop.

with found as (
    select 1
    from orders
    where platform = $platform
      and shop = $shop
      and (
          shipped_at is not null
          or completed_at is not null
          or nullif(trim(courier), '') is not null
          or nullif(trim(tracking_no), '') is not null
          or nullif(trim(status_text), '') is not null
          or status_norm is not null
      )
    limit 1
),

final as (
    select count(*) > 0 as ships_known from found
)

select * from final

-- Per shop, what its imported order files can tell (DESIGN §4): whether they carry a shipping
-- fact (`ships_known`: a ship or completion time, a courier, a tracking number, or a status
-- word, as exported or read — a status column says when an order ships) and a street address (`streets_known`: an
-- address that is neither masked nor a bare region name, like the 7-column Tmall report's
-- `上海` or `江苏省`). A rule a shop's exports cannot judge is counted apart, never alarmed.
-- Reads `orders` alone: the same for every moment and every action.
-- Parameters: $region_only (a regular expression of an address that names a region only).

with orders_read as (
    select platform, shop, shipped_at, completed_at, courier, tracking_no, status_text, status_norm,
        address
    from orders
),

per_shop as (
    select
        platform,
        shop,
        bool_or(
            shipped_at is not null
            or completed_at is not null
            or nullif(trim(courier), '') is not null
            or nullif(trim(tracking_no), '') is not null
            or nullif(trim(status_text), '') is not null
            or status_norm is not null
        ) as ships_known,
        bool_or(
            nullif(trim(address), '') is not null
            and not regexp_full_match(trim(address), $region_only)
            and not regexp_matches(address, '密文|\*\*')
        ) as streets_known
    from orders_read
    group by all
),

final as (
    select platform, shop, coalesce(ships_known, false) as ships_known,
        coalesce(streets_known, false) as streets_known
    from per_shop
)

select * from final order by platform, shop

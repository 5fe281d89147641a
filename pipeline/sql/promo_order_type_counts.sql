-- Orders of each type of DESIGN §7 (an order may have several) and the orders in scope, read
-- from order_type_facts. An order counts as a promotion when its facts say so or it was placed
-- inside a promotion period.
-- Parameters: $date_from, $date_to, $shops, $platforms (global filters), and an optional window
-- $win_start, $win_end (orders created in [win_start, win_end); null = no window).

with scoped as (
    select *
    from order_type_facts
    where in_filters(created_at, shop, platform, $date_from, $date_to, $shops, $platforms)
      and ($win_start::timestamp is null or created_at >= $win_start::timestamp)
      and ($win_end::timestamp is null or created_at < $win_end::timestamp)
),

periods as (
    select start_at, end_at from promotions
),

final as (
    select
        count(*) filter (
            where promo_facts
               or exists (
                   select 1 from periods as p
                   where scoped.created_at >= p.start_at and scoped.created_at < p.end_at
               )
        ) as promotion,
        count(*) filter (where bundle_marked or bundle_line) as bundle,
        count(*) filter (where combo) as combo,
        count(*) filter (where gift) as gift,
        count(*) as orders
    from scoped
)

select * from final

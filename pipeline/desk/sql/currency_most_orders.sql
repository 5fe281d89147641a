-- The currency most orders state (ties: the first code alphabetically); no row when none does.

with stated as (
    select currency, count(*) as orders
    from orders
    where currency is not null
    group by currency
),

final as (
    select currency from stated order by orders desc, currency limit 1
)

select * from final

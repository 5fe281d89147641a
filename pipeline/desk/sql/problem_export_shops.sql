-- The shops with orders, whose exports `problems.export_facts` judges (problem_ships_known.sql,
-- problem_streets_known.sql).

with final as (
    select distinct platform, shop
    from orders
)

select * from final order by platform, shop

-- Cases and refunds per value of one of the case's facts (DESIGN §11, reading the reasons):
-- the cases inside the filters (dates on the request time) grouped by $by ('sku', 'reason',
-- 'case_type', 'phase' or 'responsibility'; '' where the export gave none): how many, and the
-- amount of those refunded (amount refunded, else asked) in $currency (a case counts in its
-- order's currency, else in $desk). Most cases first.
-- Reads `cases` and `order_state` (the order's currency).
-- Parameters: $by, $date_from, $date_to, $shops, $platforms, $currency, $desk.

with scoped_cases as (
    select *
    from cases
    where in_filters(requested_at, shop, platform, $date_from, $date_to, $shops, $platforms)
),

keyed as (
    select
        coalesce(nullif(trim(case $by
            when 'sku' then c.sku
            when 'reason' then c.reason
            when 'case_type' then c.case_type
            when 'phase' then c.phase
            when 'responsibility' then c.responsibility
        end), ''), '') as key,
        c.status_norm,
        coalesce(c.amount_refunded, c.amount_asked) as amount,
        coalesce(s.currency, $desk) as currency
    from scoped_cases as c
    left join order_state as s using (platform, shop, order_id)
),

final as (
    select
        key,
        count(*)::bigint as cases,
        round(coalesce(sum(amount) filter (
            where status_norm = 'refunded' and currency = $currency), 0), 2)::double as refunded
    from keyed
    group by key
)

select * from final order by cases desc, key

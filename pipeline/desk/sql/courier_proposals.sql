-- The proposed courier of every order waiting to ship inside the filters, created by $as_of
-- (DESIGN §12), and why. A courier already set wins over every rule: the desk's `courier`
-- action (rule_kind `hand`, why: who set it), else the export's courier (`export`). Else an
-- order with an open `address` mark (too vague for a courier) gets none (`vague_address`,
-- why: the rule its address breaks). Else the first enabled rule, in the table's order, that
-- matches: `requested` (the courier the text asks for; the rule's words, when given, the
-- couriers it applies to, one in the courier's name; its courier, when given, the one
-- proposed instead), `region` (the province or city starts with one of its words; the
-- address does when the export gives it in one field, without them), `value` (the order's
-- paid amount, else its total, at least the rule's figure, in the order's own currency),
-- `pieces` (at least so many pieces to pack), `sku` (a line of one of its SKUs),
-- `shop_default` (its shops, or any shop when it names none). An order no rule matches gets
-- none (rule_kind null).
-- Reads the registered relations `courier_rule_rows` (position, rule_id, kind, words,
-- at_least, courier: the enabled rules, pipeline/desk/couriers.py), `courier_asks` (platform,
-- shop, order_id, courier, matched: the courier each order's text asks for) and
-- `courier_vague` (platform, shop, order_id, reason: the open address marks); and
-- open_orders, order_state, waiting_lines, effective_events.
-- Parameters: $as_of, $date_from, $date_to, $shops, $platforms.

with rules as (
    select * from courier_rule_rows
),

waiting as (
    select
        platform,
        shop,
        order_id,
        nullif(trim(courier), '') as courier_set,
        lower(trim(coalesce(province, ''))) as province,
        lower(trim(coalesce(city, ''))) as city,
        lower(trim(coalesce(address, ''))) as address,
        pieces
    from open_orders
    where waiting_to_ship
      and created_at <= $as_of
      and in_filters(created_at, shop, platform, $date_from, $date_to, $shops, $platforms)
),

hand as (
    select
        e.platform,
        e.shop,
        e.order_id,
        arg_max(e.author, e.event_id) as author,
        arg_max(e.text, e.event_id) as text
    from effective_events as e
    semi join waiting as w using (platform, shop, order_id)
    where e.action = 'courier'
    group by all
),

requested as (
    select
        a.platform,
        a.shop,
        a.order_id,
        r.position,
        r.rule_id,
        r.kind,
        coalesce(nullif(r.courier, ''), a.courier) as courier,
        a.matched as why
    from courier_asks as a
    join rules as r
        on r.kind = 'requested'
       and (len(r.words) = 0
            or len(list_filter(r.words, lambda w: contains(lower(a.courier), w))) > 0)
    semi join waiting as w using (platform, shop, order_id)
),

region_words as (
    select position, rule_id, kind, courier, unnest(words) as word
    from rules
    where kind = 'region'
),

by_region as (
    select
        w.platform,
        w.shop,
        w.order_id,
        r.position,
        r.rule_id,
        r.kind,
        r.courier,
        min(r.word) as why
    from waiting as w
    join region_words as r
        on starts_with(w.province, r.word)
        or starts_with(w.city, r.word)
        or (w.province = '' and w.city = '' and starts_with(w.address, r.word))
    group by all
),

amounts as (
    select
        s.platform,
        s.shop,
        s.order_id,
        case when s.paid > 0 then s.paid else s.order_total end as amount,
        s.currency
    from order_state as s
    semi join waiting as w using (platform, shop, order_id)
    where exists (select 1 from rules where kind = 'value')
),

by_value as (
    select
        a.platform,
        a.shop,
        a.order_id,
        r.position,
        r.rule_id,
        r.kind,
        r.courier,
        concat_ws(' ', a.currency, printf('%.2f', a.amount)) as why
    from amounts as a
    join rules as r on r.kind = 'value' and a.amount >= r.at_least
),

by_pieces as (
    select
        w.platform,
        w.shop,
        w.order_id,
        r.position,
        r.rule_id,
        r.kind,
        r.courier,
        w.pieces::varchar as why
    from waiting as w
    join rules as r on r.kind = 'pieces' and w.pieces >= r.at_least
),

sku_lines as (
    select l.platform, l.shop, l.order_id, trim(l.sku) as sku
    from waiting_lines as l
    semi join waiting as w using (platform, shop, order_id)
    where exists (select 1 from rules where kind = 'sku')
),

by_sku as (
    select
        l.platform,
        l.shop,
        l.order_id,
        r.position,
        r.rule_id,
        r.kind,
        r.courier,
        min(l.sku) as why
    from sku_lines as l
    join rules as r on r.kind = 'sku' and list_contains(r.words, l.sku)
    group by all
),

by_shop as (
    select
        w.platform,
        w.shop,
        w.order_id,
        r.position,
        r.rule_id,
        r.kind,
        r.courier,
        case when len(r.words) > 0 then w.shop end as why
    from waiting as w
    join rules as r
        on r.kind = 'shop_default'
       and (len(r.words) = 0 or list_contains(r.words, w.shop))
),

candidates as (
    select * from requested
    union all select * from by_region
    union all select * from by_value
    union all select * from by_pieces
    union all select * from by_sku
    union all select * from by_shop
),

first_match as (
    select *
    from candidates
    where nullif(trim(courier), '') is not null
    qualify row_number() over (partition by platform, shop, order_id order by position) = 1
),

vague as (
    select platform, shop, order_id, string_agg(distinct reason, '; ') as reason
    from courier_vague
    group by all
),

decided as (
    select
        w.platform,
        w.shop,
        w.order_id,
        w.courier_set,
        nullif(trim(split_part(h.text, ' ', 1)), '') is not null as by_hand,
        h.author,
        v.order_id is not null as vague,
        v.reason as vague_reason,
        m.courier as rule_courier,
        m.rule_id,
        m.kind,
        m.why
    from waiting as w
    left join hand as h using (platform, shop, order_id)
    left join vague as v using (platform, shop, order_id)
    left join first_match as m using (platform, shop, order_id)
),

final as (
    select
        platform,
        shop,
        order_id,
        case
            when courier_set is not null then courier_set
            when vague then null
            else trim(rule_courier)
        end as courier,
        case when courier_set is null and not vague then rule_id end as rule_id,
        case
            when courier_set is not null and by_hand then 'hand'
            when courier_set is not null then 'export'
            when vague then 'vague_address'
            else kind
        end as rule_kind,
        case
            when courier_set is not null and by_hand then author
            when courier_set is not null then null
            when vague then vague_reason
            else why
        end as why
    from decided
)

select * from final

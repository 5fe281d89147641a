-- The store's tables. Created once per database file; every statement is idempotent.

create sequence if not exists import_seq start 1;
create sequence if not exists event_seq start 1;

create table if not exists meta (
    key varchar primary key,
    value bigint not null
);

create table if not exists settings (
    key varchar primary key,
    value varchar not null,          -- JSON
    updated_at timestamp,
    updated_by varchar
);

-- Every change of a setting (pipeline/db/settings.py), kept: who, when, with which role, the
-- stored value before and after (JSON; null: the default).
create sequence if not exists settings_log_seq start 1;
create table if not exists settings_log (
    log_id bigint primary key,
    changed_at timestamp not null,
    changed_by varchar not null,
    role varchar,
    key varchar not null,
    old_value varchar,
    new_value varchar
);

create table if not exists imports (
    import_id bigint primary key,
    file_name varchar not null,
    sha256 varchar not null,
    layout varchar not null,
    rows_read integer not null,
    rows_imported integer not null,
    rows_rejected integer not null,
    imported_at timestamp not null,
    imported_by varchar,
    notes varchar
);

create table if not exists import_rejects (
    import_id bigint not null,
    "row" integer not null,
    "column" varchar,
    reason varchar not null,
    value varchar
);

create table if not exists orders (
    platform varchar not null,
    shop varchar not null,
    order_id varchar not null,
    status_text varchar,
    status_norm varchar,
    is_paid boolean,
    is_cod boolean,
    partial_shipped boolean,
    buyer varchar,
    receiver varchar,
    phone varchar,
    created_at timestamp,
    paid_at timestamp,
    shipped_at timestamp,
    completed_at timestamp,
    closed_at timestamp,
    ship_by timestamp,
    order_total decimal(14,2),
    paid decimal(14,2),
    shipping_fee decimal(14,2),
    discount decimal(14,2),
    refunded decimal(14,2),
    province varchar,
    city varchar,
    district varchar,
    address varchar,
    courier varchar,
    tracking_no varchar,
    buyer_message varchar,
    seller_note varchar,
    seller_flag varchar,
    promo_code varchar,
    tags varchar,
    item_count integer,
    currency varchar,
    paid_net boolean,
    refund_open boolean,
    first_import_id bigint,
    import_id bigint
    -- unique on (platform, shop, order_id), kept so by the import (pipeline/ingest/importing.py):
    -- an index on millions of text keys costs more than the rest of an import
);

-- Columns added after the first stores were made.
alter table orders add column if not exists currency varchar;
alter table orders add column if not exists paid_net boolean;
alter table orders add column if not exists refund_open boolean;
alter table orders add column if not exists refund_partial boolean;
alter table orders add column if not exists seller_flag varchar;

create table if not exists order_lines (
    platform varchar not null,
    shop varchar not null,
    order_id varchar not null,
    line_id varchar not null,
    sku varchar,
    title varchar,
    quantity integer,
    unit_price decimal(14,2),
    paid decimal(14,2),
    refund_text varchar,
    refund_norm varchar,
    refund_amount decimal(14,2),
    is_gift boolean,
    is_bundle_marked boolean,
    is_promo boolean,
    status_text varchar,
    import_id bigint
    -- unique on (platform, shop, order_id, line_id), kept so by the import
);

create table if not exists stock (
    sku varchar not null,
    warehouse varchar not null,
    name varchar,
    on_hand integer,
    reserved integer,
    available integer,
    in_transit integer,
    safety_stock integer,
    unit_cost decimal(14,2),
    barcode varchar,
    snapshot_at timestamp,
    import_id bigint,
    primary key (sku, warehouse)
);

alter table stock add column if not exists unit_cost decimal(14,2);
alter table stock add column if not exists barcode varchar;

create table if not exists bundles (
    bundle_sku varchar not null,
    component_sku varchar not null,
    quantity integer not null,
    import_id bigint,
    primary key (bundle_sku, component_sku)
);

create table if not exists promotions (
    name varchar primary key,
    start_at timestamp not null,
    end_at timestamp not null,
    updated_at timestamp,
    updated_by varchar
);

-- Every editing action, append-only. An undo is an event whose target_event names the undone one.
create table if not exists events (
    event_id bigint primary key,
    platform varchar not null,
    shop varchar not null,
    order_id varchar not null,
    action varchar not null,
    text varchar,                    -- courier/tracking, note, reason, reviewed message
    kind varchar,                    -- for flag/resolve: the problem type
    target_event bigint,             -- for undo
    author varchar not null,
    acted_at timestamp not null
);
-- Added later: the events recorded together by one action on many orders share a batch id.
alter table events add column if not exists batch_id bigint;
-- Added later: the proposed batch of the work queue (DESIGN §5, e.g. `3fa2c1-2`) an action
-- processed; a batch id names the orders processed under it, for good.
alter table events add column if not exists queue_batch varchar;

-- Added later: the after-sales case an action answers (DESIGN §11); null for an order's own.
alter table events add column if not exists case_id varchar;

-- What a newer export changed of an order the desk had acted on (DESIGN §12): its buyer
-- message, seller note or address (`field`) as stored before and as the import wrote it, found
-- inside the import's transaction (pipeline/ingest/importing.py). `events_before`: the newest
-- event id then; an order's `review` event after it (a higher id) has seen the change.
create table if not exists info_changes (
    platform varchar not null,
    shop varchar not null,
    order_id varchar not null,
    field varchar not null,          -- buyer_message | seller_note | address
    old_text varchar,
    new_text varchar,
    import_id bigint not null,
    detected_at timestamp not null,
    events_before bigint not null
);

-- After-sales cases (DESIGN §11): one row per platform, shop and case, as the newest export of
-- it says (pipeline/base/canonical.py CASE_COLUMNS). `order_id` may name an order the store
-- does not hold.
create table if not exists cases (
    platform varchar not null,
    shop varchar not null,
    case_id varchar not null,
    order_id varchar,
    line_id varchar,
    sku varchar,
    title varchar,
    type_text varchar,
    case_type varchar,
    phase varchar,
    status_text varchar,
    status_norm varchar,
    amount_asked decimal(14,2),
    amount_refunded decimal(14,2),
    requested_at timestamp,
    deadline timestamp,
    reason varchar,
    buyer_text varchar,
    return_courier varchar,
    return_tracking varchar,
    goods_status varchar,
    arbitration varchar,
    responsibility varchar,
    refunded_at timestamp,
    closed_at timestamp,
    import_id bigint,
    primary key (platform, shop, case_id)
);

-- The shops (DESIGN §13): one row per (platform, shop) the orders are kept under. `shop` is the
-- key in orders and events, never changed (a rename keeps every order's history attached); a
-- manager gives it a display name. `chosen_at`: when an import last named it by choice (the
-- Import page, `import --shop`, an inbox subfolder), which the Import page proposes again.
create table if not exists shops (
    platform varchar not null,
    shop varchar not null,           -- '' : the platform's one unnamed shop
    display_name varchar,            -- null: the key is shown
    time_zone varchar,
    currency varchar,
    chosen_at timestamp,
    renamed_at timestamp,
    renamed_by varchar,
    primary key (platform, shop)
);
-- Every rename, kept.
create table if not exists shop_renames (
    platform varchar not null,
    shop varchar not null,
    old_name varchar,
    new_name varchar,
    renamed_at timestamp not null,
    renamed_by varchar
);
-- A store made before shops were kept: its orders' shops listed once (later imports add theirs).
insert into shops (platform, shop)
select distinct platform, shop from orders
on conflict do nothing;

-- Derived: one row per order, refreshed in the same transaction as every import or action.
-- No key index: refresh_states deletes an order's row before inserting it, which keeps the
-- rows unique, and an index costs more to maintain on a large import than it saves on reads.
create table if not exists order_state (
    platform varchar not null,
    shop varchar not null,
    order_id varchar not null,
    state varchar not null,
    partial_refund boolean not null,
    partial_ship boolean not null,
    waiting_to_ship boolean not null,
    is_paid boolean not null,
    confirmed boolean not null,
    processed boolean not null,
    confirmed_at timestamp,
    processed_at timestamp,
    courier varchar,
    tracking_no varchar,
    seller_note varchar,
    reminded_at timestamp,
    reviewed_message varchar,
    oos_handled_at timestamp,
    address_fixed_at timestamp,
    flag_reason varchar,
    flagged_at timestamp,
    flagged_by varchar,
    last_event_id bigint,
    n_lines integer not null,
    pieces integer not null,
    -- the order's own facts that the boards count and time by, kept here so that counting
    -- orders per state or currency, or finding those paid, shipped or closed since a moment,
    -- never joins every order with its state
    created_at timestamp,
    currency varchar,
    order_total decimal(14,2),
    paid decimal(14,2),
    refunded decimal(14,2),
    paid_at timestamp,
    shipped_at timestamp,
    closed_at timestamp,
    ship_by timestamp,
    is_cod boolean
);
-- Columns added after the first stores were made (filled when the derived rules are rebuilt).
alter table order_state add column if not exists created_at timestamp;
alter table order_state add column if not exists currency varchar;
alter table order_state add column if not exists order_total decimal(14,2);
alter table order_state add column if not exists paid decimal(14,2);
alter table order_state add column if not exists refunded decimal(14,2);
alter table order_state add column if not exists paid_at timestamp;
alter table order_state add column if not exists shipped_at timestamp;
alter table order_state add column if not exists closed_at timestamp;
alter table order_state add column if not exists ship_by timestamp;
alter table order_state add column if not exists is_cod boolean;

-- The keys whose state is refreshed by the next `states.sql` run with $all = false.
create table if not exists state_scope (
    platform varchar not null,
    shop varchar not null,
    order_id varchar not null
);

-- The orders and the lines a refresh works on: all of them (`everything`), or those of the
-- keys in state_scope. A join, not `everything or exists (…)`: that form reads every order's
-- columns before it looks at the keys (at 1M orders 65 ms against 16 ms for one order).
create or replace macro orders_in_scope(everything) as table
select * from orders where everything
union all
select o.* from orders as o semi join state_scope as k using (platform, shop, order_id)
where not everything;

create or replace macro lines_in_scope(everything) as table
select * from order_lines where everything
union all
select l.* from order_lines as l semi join state_scope as k using (platform, shop, order_id)
where not everything;

-- Events still in effect: not undone.
create or replace view effective_events as
select e.*
from events as e
where e.action <> 'undo'
  and not exists (
      select 1 from events as u where u.action = 'undo' and u.target_event = e.event_id
  );

-- Orders inside the global filters (see pipeline/base/filters.py): created between two dates
-- (inclusive), in the given shops and platforms (an empty list means all).
create or replace macro filtered_orders(date_from, date_to, shops, platforms) as table
select o.*
from orders as o
where (date_from::date is null or o.created_at >= date_from::date)
  and (date_to::date is null or o.created_at < date_to::date + interval 1 day)
  and (len(shops::varchar[]) = 0 or list_contains(shops::varchar[], o.shop))
  and (len(platforms::varchar[]) = 0 or list_contains(platforms::varchar[], o.platform));

-- The global filters of filtered_orders() as a condition on a row of a derived table.
create or replace macro in_filters(created_at, shop, platform, date_from, date_to, shops, platforms) as
    (date_from::date is null or created_at >= date_from::date)
    and (date_to::date is null or created_at < date_to::date + interval 1 day)
    and (len(shops::varchar[]) = 0 or list_contains(shops::varchar[], shop))
    and (len(platforms::varchar[]) = 0 or list_contains(platforms::varchar[], platform));

-- Keys of the paid orders in the shops and platforms placed in [p_start, p_end): what a
-- promotion period sold.
create or replace macro paid_orders_in(shops, platforms, p_start, p_end) as table
select s.platform, s.shop, s.order_id
from order_state as s
where in_filters(s.created_at, s.shop, s.platform, null, null, shops, platforms)
  and s.is_paid and s.created_at >= p_start::timestamp and s.created_at < p_end::timestamp;

-- Per SKU the units the orders waiting to ship take from (DESIGN §6), summed over its stock rows
-- (warehouses). Each row gives its on hand (实际库存, Shopify `On hand`) where the export has it;
-- else available + reserved (可用 + 占用, `Available` + `Committed`) where both are given; else
-- available alone (the template's meaning: free before the waiting orders take theirs). A row
-- with none of these (Shopify `not stocked`) counts nothing; an SKU without a counting row is
-- untracked and absent here. A negative total counts as none. `basis`: the figure the SKU's
-- rows used (`on_hand`, `available_reserved`, `available`; `mixed` when its rows differ).
create or replace macro available_by_sku() as table
with stock_rows as (
    select
        sku,
        case
            when on_hand is not null then 'on_hand'
            when available is not null and reserved is not null then 'available_reserved'
            when available is not null then 'available'
        end as basis,
        coalesce(on_hand, available + reserved, available) as units
    from stock
)

select
    sku,
    greatest(sum(units), 0)::bigint as allocatable,
    case when count(distinct basis) = 1 then any_value(basis) else 'mixed' end as basis
from stock_rows
where basis is not null
group by sku;

-- Lines of `src` (order_lines, or waiting_lines) with bundles exploded to their components
-- (one level, quantities multiplied).
-- A gift line (DESIGN §2/§7): priced 0 or marked 赠品 (is_gift).
create or replace macro gift_line(is_gift, unit_price) as
    coalesce(is_gift, false) or coalesce(unit_price = 0, false);

create or replace macro explode_bundles(src) as table
select
    l.platform,
    l.shop,
    l.order_id,
    l.line_id,
    coalesce(b.component_sku, l.sku) as sku,
    coalesce(l.quantity, 0) * coalesce(b.quantity, 1) as quantity,
    l.sku as line_sku,
    b.bundle_sku is not null as from_bundle,
    coalesce(l.is_gift, false) as is_gift
from query_table(src) as l
left join bundles as b on b.bundle_sku = l.sku;

-- Order lines with bundles exploded. Wherever stock or demand is counted, read this instead of
-- order_lines.
create or replace macro exploded_lines() as table
select * from explode_bundles('order_lines');

-- Derived, like order_state, and refreshed with it by pipeline.db.store.refresh_states in the
-- same transaction as every import and action: the small slices of the store that the queue,
-- time rules, problem marks and stock allocation read, so that they never scan every order.
-- Each table has a macro that computes it, for every order (`everything`) or only for the keys
-- in state_scope; a store made before a table existed gets it filled when it is first opened.

-- Open orders (not shipped, not closed or refunded; DESIGN §6) with what marks, the queue and
-- the time rules read. `ready_at`: payment, the confirmation of a COD order, else creation.
create or replace macro open_orders_of(everything) as table
select
    o.platform,
    o.shop,
    o.order_id,
    o.created_at,
    o.paid_at,
    o.closed_at,
    o.ship_by,
    case
        when s.is_paid then coalesce(o.paid_at, o.created_at)
        else coalesce(s.confirmed_at, o.created_at)
    end as ready_at,
    s.state,
    s.is_paid,
    coalesce(o.is_cod, false) as is_cod,
    s.confirmed_at,
    s.waiting_to_ship,
    s.processed,
    s.courier,
    s.reminded_at,
    s.n_lines,
    s.pieces,
    o.buyer,
    o.province,
    o.city,
    o.district,
    o.address,
    o.buyer_message,
    -- an order with cases: how far its open refund cases went (they are the authority on its
    -- refunds, DESIGN §11); else its lines', else the order file's word
    case
        when c.order_id is not null then c.refund_stage
        else coalesce(r.refund_stage, case when o.refund_open then 1 end)
    end as refund_stage,
    -- what merge candidates (DESIGN §6) are grouped by: the same buyer and address; a buyer or
    -- address the platform masked (密文, `**`) is not available, and two of them are not the same
    case when not regexp_matches(coalesce(o.buyer, ''), '密文|\*\*')
        then lower(trim(o.buyer)) end as buyer_key,
    case when not regexp_matches(concat_ws(' ', o.province, o.city, o.district, o.address),
                                 '密文|\*\*')
        then regexp_replace(lower(concat_ws(' ', o.province, o.city, o.district, o.address)),
                            '\s+', '', 'g')
        else '' end as address_key,
    s.confirmed
from orders_in_scope(everything) as o
join order_state as s using (platform, shop, order_id)
left join (
    -- how far an open line refund went: 3 returned, 2 agreed, 1 requested
    select
        l.platform,
        l.shop,
        l.order_id,
        max(case l.refund_norm when 'returned' then 3 when 'agreed' then 2 else 1 end)
            as refund_stage
    from lines_in_scope(everything) as l
    where l.refund_norm in ('requested', 'agreed', 'returned')
    group by all
) as r using (platform, shop, order_id)
left join (
    -- how far an open refund case went: 3 returned, 2 agreed (awaiting the return, refunding),
    -- 1 requested (awaiting the seller, arbitration); null when none is open
    select
        c.platform,
        c.shop,
        c.order_id,
        max(case c.status_norm
            when 'returned' then 3
            when 'awaiting_return' then 2
            when 'refunding' then 2
            when 'awaiting_seller' then 1
            when 'arbitration' then 1
        end) filter (where coalesce(c.case_type, 'refund_only') in ('refund_only', 'return_refund'))
            as refund_stage
    from cases as c
    semi join orders_in_scope(everything) as k using (platform, shop, order_id)
    group by all
) as c using (platform, shop, order_id)
where s.state not in ('shipped', 'completed', 'refunded', 'closed')
  and o.shipped_at is null
  and coalesce(o.status_norm not in ('shipped', 'completed'), true);

create table if not exists open_orders as select * from open_orders_of(true);
-- Added later (filled when the derived rules are rebuilt).
alter table open_orders add column if not exists confirmed boolean;

-- The lines of the orders waiting to ship, as imported (bundles not exploded: the bundles
-- table is read live, like the stock).
create or replace macro waiting_lines_of(everything) as table
select
    l.platform,
    l.shop,
    l.order_id,
    l.line_id,
    l.sku,
    l.title,
    l.quantity,
    l.is_gift
from lines_in_scope(everything) as l
semi join order_state as s
    on s.platform = l.platform and s.shop = l.shop and s.order_id = l.order_id
    and s.waiting_to_ship
-- a line refunded in full (退款成功) leaves with its money: it is neither packed nor takes stock
where l.refund_norm is distinct from 'success';

create table if not exists waiting_lines as select * from waiting_lines_of(true);

-- The lines of the orders waiting to ship with bundles exploded, as `exploded_lines()`.
create or replace macro waiting_exploded_lines() as table
select * from explode_bundles('waiting_lines');

-- What each order waiting to ship needs for stock (DESIGN §6): bundles exploded, gifts
-- included, one row per order and component SKU, with the moments that order its claim on
-- stock (`paid_at`: payment, for COD the confirmation, else creation). Orders without lines
-- have one row with a null SKU so that they are still listed.
create or replace macro waiting_needs() as table
with waiting as (
    select platform, shop, order_id, ready_at as paid_at, created_at
    from open_orders
    where waiting_to_ship
),

needs as (
    select platform, shop, order_id, sku, sum(quantity) as quantity
    from waiting_exploded_lines()
    where sku is not null and quantity > 0
    group by all
)

select
    w.platform,
    w.shop,
    w.order_id,
    w.paid_at,
    w.created_at,
    n.sku,
    coalesce(n.quantity, 0)::bigint as quantity
from waiting as w
left join needs as n using (platform, shop, order_id);

-- Each bundle's recipe as people read it: "A ×1, B ×2" (components by SKU).
create or replace macro bundle_recipes() as table
select
    bundle_sku,
    string_agg(component_sku || ' ×' || quantity, ', ' order by component_sku) as components
from bundles
group by bundle_sku;

-- Each bundle's components against the stock the waiting orders take from (available_by_sku()):
-- how many bundles each component alone could build, and the bundle's units in orders waiting
-- to ship. An untracked component (absent from the stock) never limits: its `allocatable` and
-- `can_build` are null and `tracked` is false.
create or replace macro bundle_components() as table
with waiting as (
    select sku, sum(coalesce(quantity, 0))::bigint as bundle_demand
    from waiting_lines
    group by sku
)

select
    c.bundle_sku,
    c.component_sku,
    c.quantity,
    a.sku is not null as tracked,
    a.allocatable,
    floor(a.allocatable / c.quantity)::bigint as can_build,
    coalesce(w.bundle_demand, 0) as bundle_demand
from bundles as c
left join available_by_sku() as a on a.sku = c.component_sku
left join waiting as w on w.sku = c.bundle_sku
where c.quantity > 0;

-- Per order, what its order types (DESIGN §7) read from its facts and lines, with the columns
-- the global filters need, so that counting types is one scan. `promo_facts`: a discount code,
-- or a discount amount above 0 on the order or a line (a list or compare-at price above the
-- price charged is a standing price, and an unpaid order's 0 paid is no discount);
-- `bundle_marked`: a line marked as a set (the bundles table is matched live, as it may change
-- without the orders); `combo`: two or more different items, gift lines not counted.
create or replace macro order_type_facts_of(everything) as table
with scoped as (
    select * from orders_in_scope(everything)
),

lines as (
    select
        l.platform,
        l.shop,
        l.order_id,
        coalesce(nullif(trim(l.sku), ''), l.title) as item,
        coalesce(l.is_promo, false) as is_promo,
        coalesce(l.is_bundle_marked, false) as bundle_marked,
        gift_line(l.is_gift, l.unit_price) as is_gift
    from lines_in_scope(everything) as l
),

line_facts as (
    select
        platform,
        shop,
        order_id,
        bool_or(is_promo) as has_promo_line,
        bool_or(bundle_marked) as bundle_marked,
        min(item) filter (where not is_gift) <> max(item) filter (where not is_gift) as combo,
        bool_or(is_gift) as gift
    from lines
    group by all
)

select
    o.platform,
    o.shop,
    o.order_id,
    o.created_at,
    coalesce(nullif(trim(o.promo_code), '') is not null, false)
        or coalesce(o.discount > 0, false)
        or coalesce(l.has_promo_line, false)
        as promo_facts,
    coalesce(l.bundle_marked, false) as bundle_marked,
    coalesce(l.combo, false) as combo,
    coalesce(l.gift, false) as gift
from scoped as o
left join line_facts as l using (platform, shop, order_id);

create table if not exists order_type_facts as select * from order_type_facts_of(true);

-- The order types of DESIGN §7, one row per order inside the global filters and an optional
-- window [win_start, win_end) (an order may have several). promotion: a discount code or a
-- discount amount above 0 in the export, or placed inside a promotion period; bundle: a
-- line's SKU is in the bundles table or marked as a set; combo: two or more different SKUs,
-- gift lines not counted; gift: a line priced 0 or marked.
-- The facts of each order come from order_type_facts; bundles and periods are read live.
create or replace macro order_types_in(date_from, date_to, shops, platforms, win_start, win_end)
as table
with scoped as (
    select *
    from order_type_facts
    where in_filters(created_at, shop, platform, date_from, date_to, shops, platforms)
      and (win_start::timestamp is null or created_at >= win_start::timestamp)
      and (win_end::timestamp is null or created_at < win_end::timestamp)
),

bundle_orders as (
    select distinct l.platform, l.shop, l.order_id
    from order_lines as l
    where l.sku in (select bundle_sku from bundles)
),

in_period as (
    select distinct o.platform, o.shop, o.order_id
    from scoped as o
    join promotions as p on o.created_at >= p.start_at and o.created_at < p.end_at
)

select
    o.platform,
    o.shop,
    o.order_id,
    o.promo_facts or ip.order_id is not null as promotion,
    o.bundle_marked or b.order_id is not null as bundle,
    o.combo,
    o.gift
from scoped as o
left join bundle_orders as b using (platform, shop, order_id)
left join in_period as ip using (platform, shop, order_id);

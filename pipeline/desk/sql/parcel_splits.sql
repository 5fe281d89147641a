-- The split orders in effect (DESIGN §12): one row per parcel and line. A `split` event's text
-- is the parcels as JSON, `[{"lines": {"LINE_ID": QUANTITY, ...}}, ...]`, parcel 1 first; the
-- latest split in effect counts. A parcel's courier and tracking number are the latest
-- `courier` event on the order after the split whose text names the parcel: `#N COURIER
-- TRACKING_NO` (N from 1). A parcel is named `ORDER_ID#N`.
-- Reads the view `effective_events`.

with splits as (
    select platform, shop, order_id,
           max(event_id) as split_event,
           arg_max(text, event_id) as text
    from effective_events
    where action = 'split'
      and case_id is null
    group by all
),

read as (
    select platform, shop, order_id, split_event,
           case when json_valid(text)
               then json_transform(text, '[{"lines": "MAP(VARCHAR, BIGINT)"}]') end as parcels
    from splits
),

parcels as (
    select platform, shop, order_id, split_event, len(parcels) as n_parcels,
           unnest(parcels) as parcel,
           generate_subscripts(parcels, 1) as parcel_no
    from read
    where parcels is not null
),

parcel_lines as (
    select platform, shop, order_id, split_event, n_parcels, parcel_no,
           unnest(map_keys(parcel.lines)) as line_id,
           unnest(map_values(parcel.lines)) as quantity
    from parcels
),

parcel_texts as (
    select e.platform, e.shop, e.order_id, e.event_id,
           try_cast(regexp_extract(e.text, '^#([0-9]+)', 1) as bigint) as parcel_no,
           trim(regexp_replace(e.text, '^#[0-9]+', '')) as rest
    from effective_events as e
    semi join splits as s using (platform, shop, order_id)
    where e.action = 'courier'
      and e.case_id is null
      and starts_with(e.text, '#')
),

parcel_couriers as (
    select t.platform, t.shop, t.order_id, t.parcel_no,
           arg_max(t.rest, t.event_id) as rest
    from parcel_texts as t
    join splits as s using (platform, shop, order_id)
    where t.event_id > s.split_event
    group by all
),

final as (
    select
        l.platform,
        l.shop,
        l.order_id,
        l.order_id || '#' || l.parcel_no as parcel_id,
        l.parcel_no,
        l.n_parcels,
        l.line_id,
        l.quantity,
        nullif(split_part(c.rest, ' ', 1), '') as courier,
        nullif(trim(substr(c.rest, length(split_part(c.rest, ' ', 1)) + 1)), '') as tracking_no,
        l.split_event
    from parcel_lines as l
    left join parcel_couriers as c using (platform, shop, order_id, parcel_no)
)

select * from final
order by platform, shop, order_id, parcel_no, try_cast(line_id as integer) nulls last, line_id

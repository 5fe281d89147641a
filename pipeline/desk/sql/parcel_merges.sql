-- The merged parcels in effect (DESIGN §12): one row per order of each parcel. A `merge` event
-- on the parcel's first order (its head) names the other orders of the same platform and shop
-- in its text, separated by blanks; several merges on one head add up, and an undo takes one
-- back. A parcel is named by its head's order id; `member_no` is 0 for the head, then the
-- other orders in the order they were merged; `merge_event` is the event that put the order in.
-- Reads the view `effective_events`.

with merges as (
    select platform, shop, order_id as head, event_id,
           regexp_split_to_array(trim(text), '\s+') as others
    from effective_events
    where action = 'merge'
      and case_id is null
      and nullif(trim(text), '') is not null
),

named as (
    select platform, shop, head, event_id,
           unnest(others) as order_id,
           generate_subscripts(others, 1) as pos
    from merges
),

heads as (
    select platform, shop, head as parcel_id, head as order_id,
           min(event_id) as merge_event, 0::bigint as member_no
    from merges
    group by all
),

others as (
    select platform, shop, head as parcel_id, order_id, event_id as merge_event,
           row_number() over (partition by platform, shop, head order by event_id, pos)
               as member_no
    from named
    where order_id <> '' and order_id <> head
),

final as (
    select * from heads
    union all
    select * from others
)

select * from final order by platform, shop, parcel_id, member_no

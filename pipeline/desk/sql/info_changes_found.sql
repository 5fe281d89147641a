-- What a newer export changes of the orders the desk has acted on (DESIGN §12): an order with
-- a `process`, `courier`, `print` or `review` event in effect. Its buyer message, seller note
-- and address as stored, against the rows the import is about to write (`incoming_info`:
-- platform, shop, order_id and the fields the file gives, null where it gives none).
-- A text that only differs in blanks is the same; an export that leaves a text empty says
-- nothing of it (never a change); an address that was empty arrives, a masked one (密文, `**`)
-- is not available: neither is a change. Run inside the import's transaction, before the
-- orders are updated.
-- Reads effective_events, orders. Parameters: $with_message, $with_note, $with_province,
-- $with_city, $with_district, $with_address (whether the file gives each column).

with acted as (
    select distinct platform, shop, order_id
    from effective_events
    where action in ('process', 'courier', 'print', 'review')
),

incoming as (
    select i.*
    from incoming_info as i
    semi join acted as a using (platform, shop, order_id)
),

paired as (
    select
        i.platform,
        i.shop,
        i.order_id,
        trim(o.buyer_message) as old_message,
        trim(i.buyer_message) as new_message,
        trim(o.seller_note) as old_note,
        trim(i.seller_note) as new_note,
        concat_ws(' ', nullif(trim(o.province), ''), nullif(trim(o.city), ''),
                  nullif(trim(o.district), ''), nullif(trim(o.address), '')) as old_address,
        concat_ws(' ',
            nullif(trim(case when $with_province then i.province else o.province end), ''),
            nullif(trim(case when $with_city then i.city else o.city end), ''),
            nullif(trim(case when $with_district then i.district else o.district end), ''),
            nullif(trim(case when $with_address then i.address else o.address end), '')
        ) as new_address
    from incoming as i
    join orders as o using (platform, shop, order_id)
),

fields as (
    select platform, shop, order_id, 'buyer_message' as field, old_message as old_text,
        new_message as new_text, 1 as field_rank
    from paired
    where $with_message
    union all
    select platform, shop, order_id, 'seller_note', old_note, new_note, 2
    from paired
    where $with_note
    union all
    select platform, shop, order_id, 'address', nullif(old_address, ''), nullif(new_address, ''), 3
    from paired
    where ($with_province or $with_city or $with_district or $with_address)
      and nullif(old_address, '') is not null
      and not regexp_matches(old_address, '密文|\*\*')
      and not regexp_matches(coalesce(new_address, ''), '密文|\*\*')
),

final as (
    select platform, shop, order_id, field, nullif(old_text, '') as old_text, new_text,
        field_rank
    from fields
    where nullif(new_text, '') is not null
      and regexp_replace(coalesce(old_text, ''), '\s+', '', 'g')
          <> regexp_replace(new_text, '\s+', '', 'g')
)

select platform, shop, order_id, field, old_text, new_text
from final
order by platform, shop, order_id, field_rank

-- The orders a batch of the work queue was processed with (events.queue_batch), in the order
-- they were processed in; the batch's events stay in the log when they are taken back, so
-- this is the batch as it was processed, whatever happened since.
-- Reads the table `events`.
-- Parameters: $queue_batch.

with processed as (
    select platform, shop, order_id, min(event_id) as event_id
    from events
    where queue_batch = $queue_batch
      and action = 'process'
    group by all
),

final as (
    select platform, shop, order_id, event_id
    from processed
)

select platform, shop, order_id from final order by event_id

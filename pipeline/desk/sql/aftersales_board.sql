-- The after-sales cases inside the filters (DESIGN §11): one row per case with who must act, its
-- deadline and whose it is, the time rule it is under and whether the desk answered it. What
-- does not move with the clock: how each case stands as of a moment (overdue, due soon, on
-- time, hours left) and the order of the board are worked out from it in
-- pipeline/desk/aftersales.py, so a new minute costs no query.
-- Reads `cases`, `effective_events` (the desk's case actions, `case_id` set, recorded by
-- $events_until, all of them when null), `imports` (when the case's current facts were
-- imported) and `order_state` (whether the order is known, its currency).
-- Deadline: the export's (`platform`); else, under a time rule, the desk's settings counted
-- from the request (`desk`): $answer_hours for awaiting_seller and arbitration, $receive_hours
-- for returned (an export says not when a parcel came back: the request is the moment known).
-- Rules: `aftersales_answer` (awaiting_seller, arbitration), `aftersales_receive` (returned).
-- A case under a rule is `answered` when the desk's latest agree or reject was recorded at or
-- after the import of the case's current facts (the desk answered the status it saw; the
-- platform's next export says what came of it), and a returned case too once the desk recorded
-- its parcel received, whenever (a parcel may come before the export says it was sent back).
-- `missed`: refunded at or after the platform's own deadline (the platform decided).
-- Dates filter the request time.
-- Parameters: $events_until, $date_from, $date_to, $shops, $platforms, $answer_hours,
-- $receive_hours, $desk (the currency of a case whose order has none).

with scoped_cases as (
    select *
    from cases
    where in_filters(requested_at, shop, platform, $date_from, $date_to, $shops, $platforms)
),

case_events as (
    select platform, shop, case_id, event_id, action, text, acted_at
    from effective_events
    where case_id is not null
      and action in ('agree', 'reject', 'received', 'feedback', 'assign')
      and ($events_until is null or acted_at <= $events_until)
),

per_case as (
    select
        platform,
        shop,
        case_id,
        arg_max(acted_at, event_id) filter (where action in ('agree', 'reject')) as answered_at,
        arg_max(acted_at, event_id) filter (where action = 'received') as received_at,
        arg_max(text, event_id) filter (where action = 'assign') as assigned_to,
        arg_max(action, event_id) as last_action,
        arg_max(acted_at, event_id) as last_action_at
    from case_events
    group by all
),

ruled as (
    select
        c.*,
        i.imported_at as facts_at,
        case
            when c.status_norm in ('awaiting_seller', 'arbitration') then 'aftersales_answer'
            when c.status_norm = 'returned' then 'aftersales_receive'
        end as rule
    from scoped_cases as c
    left join imports as i using (import_id)
),

deadlines as (
    select
        r.*,
        case
            when r.deadline is not null then r.deadline
            when r.rule = 'aftersales_answer' then r.requested_at
                + to_microseconds(cast(round($answer_hours::double * 3600e6) as bigint))
            when r.rule = 'aftersales_receive' then r.requested_at
                + to_microseconds(cast(round($receive_hours::double * 3600e6) as bigint))
        end as due_at,
        case
            when r.deadline is not null then 'platform'
            when r.rule is not null and r.requested_at is not null then 'desk'
        end as deadline_source
    from ruled as r
),

judged as (
    select
        d.*,
        e.assigned_to,
        e.last_action,
        e.last_action_at,
        coalesce(
            (d.rule is not null and e.answered_at >= coalesce(d.facts_at, e.answered_at))
            or (d.rule = 'aftersales_receive' and e.received_at is not null),
            false
        ) as answered
    from deadlines as d
    left join per_case as e using (platform, shop, case_id)
),

final as (
    select
        j.platform,
        j.shop,
        j.case_id,
        j.order_id,
        s.order_id is not null as order_known,
        j.sku,
        j.title,
        j.case_type,
        j.phase,
        j.status_norm,
        j.status_text,
        j.amount_asked::double as amount_asked,
        j.amount_refunded::double as amount_refunded,
        j.requested_at,
        j.due_at as deadline,
        j.deadline_source,
        j.rule,
        j.answered,
        j.reason,
        j.buyer_text,
        j.return_courier,
        j.return_tracking,
        j.responsibility,
        coalesce(
            j.status_norm = 'refunded' and j.refunded_at >= j.deadline, false
        ) as missed,
        j.assigned_to,
        j.last_action,
        j.last_action_at,
        j.refunded_at,
        j.closed_at,
        coalesce(s.currency, $desk) as currency
    from judged as j
    left join order_state as s using (platform, shop, order_id)
)

select * from final

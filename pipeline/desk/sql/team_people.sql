-- Per person over the week's events (`team_week`): actions (undos not counted), orders acted
-- on, undos they made, their own actions since undone (by anyone), problems resolved (resolve
-- actions still in effect), orders packed at the bench (`packed` actions still in effect: one
-- a parcel of a split order), and the role of their latest action.

with per_person as (
    select
        author,
        arg_max(role, event_id) as role,
        count(*) filter (where action <> 'undo') as actions,
        count(distinct (platform, shop, order_id)) as orders,
        count(*) filter (where action = 'undo') as undos,
        count(*) filter (where action <> 'undo' and undone) as undone,
        count(*) filter (where action = 'resolve' and not undone) as resolved,
        count(*) filter (where action = 'packed' and not undone) as packed
    from team_week
    group by all
),

final as (
    select * from per_person
)

select * from final order by actions desc, author

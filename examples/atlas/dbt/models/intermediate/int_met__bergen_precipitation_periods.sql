-- Ephemeral (inlined into its users, not an asset): for each forecast step, the precipitation
-- period that matches the step length, so that periods never overlap — next_1_hours for hourly
-- steps, next_6_hours for 6-hourly ones. The last step has no known length: it uses whichever
-- period it carries, the shorter first (usually none).
with steps as (
    select
        location,
        forecast_time,
        forecast_date,
        coalesce(
            step_hours,
            case
                when precipitation_next_1h is not null then 1
                when precipitation_next_6h is not null then 6
            end
        ) as period_hours,
        precipitation_next_1h,
        precipitation_next_6h
    from {{ ref('stg_met__bergen_forecast') }}
)

select
    location,
    forecast_time,
    forecast_date,
    period_hours,
    case period_hours
        when 1 then precipitation_next_1h
        when 6 then precipitation_next_6h
    end as precipitation_mm
from steps

-- The Bergen forecast per Europe/Oslo day (what src/met.ts dailyWeather computed): min/max
-- temperature over the day's forecast instants, max wind, and precipitation summed over the
-- non-overlapping periods that start that day, with the hours they cover.
with steps as (
    select location, forecast_date, air_temperature, wind_speed
    from {{ ref('stg_met__bergen_forecast') }}
),

periods as (
    select
        location,
        forecast_date,
        sum(precipitation_mm) as precipitation_mm,
        sum(period_hours)     as precipitation_hours
    from {{ ref('int_met__bergen_precipitation_periods') }}
    where period_hours is not null and precipitation_mm is not null
    group by location, forecast_date
),

days as (
    select
        location,
        forecast_date,
        count(*)             as steps,
        min(air_temperature) as temperature_min,
        max(air_temperature) as temperature_max,
        max(wind_speed)      as wind_speed_max
    from steps
    group by location, forecast_date
)

select
    days.forecast_date                                            as date,
    days.location,
    cast(days.steps as integer)                                   as steps,
    days.temperature_min,
    days.temperature_max,
    days.wind_speed_max,
    {{ round_to('coalesce(periods.precipitation_mm, 0)', 1) }}    as precipitation_mm,
    cast(coalesce(periods.precipitation_hours, 0) as integer)     as precipitation_hours
from days
left join periods
    on periods.location = days.location
   and periods.forecast_date = days.forecast_date
order by date

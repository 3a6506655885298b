-- MET forecast steps, typed. precipitation_1h is only forecast for the first ~2.5 days.
select
    cast(replace(replace(time_utc, 'T', ' '), 'Z', '') as timestamp) as forecast_time,
    cast(substr(time_utc, 1, 10) as date) as forecast_date,
    air_temperature as air_temperature_c,
    wind_speed as wind_speed_ms,
    relative_humidity as relative_humidity_pct,
    precipitation_1h as precipitation_1h_mm,
    precipitation_6h as precipitation_6h_mm
from {{ source('met', 'locationforecast_bergen') }}

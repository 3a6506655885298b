-- The Bergen forecast's time steps as the ingest landed them, typed: the step time as a
-- timestamp, the Europe/Oslo calendar date it falls in, and the instant and period values.
select
    'bergen'                                              as location,
    cast(time as timestamptz)                             as forecast_time,
    {{ local_date('time') }}                              as forecast_date,
    cast(step_hours as integer)                           as step_hours,
    cast(air_temperature as double precision)             as air_temperature,
    cast(air_pressure_at_sea_level as double precision)   as air_pressure_at_sea_level,
    cast(cloud_area_fraction as double precision)         as cloud_area_fraction,
    cast(relative_humidity as double precision)           as relative_humidity,
    cast(wind_from_direction as double precision)         as wind_from_direction,
    cast(wind_speed as double precision)                  as wind_speed,
    cast(precipitation_next_1h as double precision)       as precipitation_next_1h,
    cast(precipitation_next_6h as double precision)       as precipitation_next_6h,
    cast(symbol_next_1h as varchar(64))                   as symbol_next_1h,
    cast(symbol_next_6h as varchar(64))                   as symbol_next_6h
from {{ source('met', 'bergen_forecast') }}

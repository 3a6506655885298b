-- A day's minimum temperature is never above its maximum.
select * from {{ ref('daily_weather') }} where min_temperature_c > max_temperature_c

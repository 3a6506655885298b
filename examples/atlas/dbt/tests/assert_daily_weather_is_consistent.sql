-- Singular test on bergen_daily_weather: each day's minimum is not above its maximum, it has at
-- least one step, and its precipitation periods cover at most 30 hours (24, plus at most 6 from a
-- 6-hour period starting late on the day the forecast turns 6-hourly). Returns offending days.
select *
from {{ ref('bergen_daily_weather') }}
where temperature_min > temperature_max
   or steps < 1
   or precipitation_hours < 0
   or precipitation_hours > 30
   or precipitation_mm < 0

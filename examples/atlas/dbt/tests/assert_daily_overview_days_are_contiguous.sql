-- Singular test on daily_overview: the forecast days form one unbroken run of calendar dates
-- (a gap would mean a lost forecast step or a time-zone slip in the daily aggregation).
-- Returns the location when its days have a gap.
select location, count(*) as days, min(date) as first_day, max(date) as last_day
from {{ ref('daily_overview') }}
group by location
having count(*) <> (max(date) - min(date)) + 1

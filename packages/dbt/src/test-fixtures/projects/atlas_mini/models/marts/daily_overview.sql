-- The serving table: Bergen's daily weather beside Bergen's latest house price index (all types).
select
    w.forecast_date,
    w.min_temperature_c,
    w.max_temperature_c,
    h.year as house_price_year,
    avg(h.house_price_index) as bergen_house_price_index
from {{ ref('daily_weather') }} as w
cross join {{ ref('house_price_summary') }} as h
where h.region_code = '003'
group by w.forecast_date, w.min_temperature_c, w.max_temperature_c, h.year

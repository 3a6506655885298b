{{ config(post_hook="{{ export_ndjson('serving_daily_overview.ndjson', order_by='location, date') }}") }}
-- One row per forecast day, left-joined with the house price index of the location's SSB 07221
-- region for the quarter the day falls in; dwelling types become three columns. See the
-- `daily_overview_join` doc block for why the join is what it is.
{%- set dwelling_columns = [
    ('01', 'house_price_index_detached'),
    ('02', 'house_price_index_small_house'),
    ('03', 'house_price_index_apartment'),
] %}

with days as (
    select
        w.date,
        w.location,
        l.ssb_region_code as region_code,
        cast(extract(year from w.date) as varchar(4)) || 'K' || cast(extract(quarter from w.date) as varchar(1)) as quarter,
        w.temperature_min,
        w.temperature_max,
        w.precipitation_mm,
        w.precipitation_hours
    from {{ ref('bergen_daily_weather') }} as w
    inner join {{ ref('atlas_locations') }} as l
        on l.location = w.location
),

house_prices as (
    select region_code, region, dwelling_type_code, quarter, index_value
    from {{ ref('house_price_index') }}
),

regions as (
    select region_code, max(region) as region
    from house_prices
    group by region_code
)

select
    days.date,
    days.location,
    days.region_code,
    regions.region,
    days.quarter,
    days.temperature_min,
    days.temperature_max,
    days.precipitation_mm,
    days.precipitation_hours
    {%- for code, column in dwelling_columns %},
    max(case when h.dwelling_type_code = '{{ code }}' then h.index_value end) as {{ column }}
    {%- endfor %}
from days
left join regions
    on regions.region_code = days.region_code
left join house_prices as h
    on h.region_code = days.region_code
   and h.quarter = days.quarter
group by
    days.date, days.location, days.region_code, regions.region, days.quarter,
    days.temperature_min, days.temperature_max, days.precipitation_mm, days.precipitation_hours
order by days.location, days.date

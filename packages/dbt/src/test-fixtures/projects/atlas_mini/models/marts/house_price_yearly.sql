-- Yearly house price index per region and dwelling type, with the region's name.
select
    y.region_code,
    r.region_name,
    y.boligtype_code,
    y.boligtype,
    y.year,
    round(cast(y.house_price_index as numeric), 2) as house_price_index,
    y.quarters
from {{ ref('int_house_prices_yearly') }} as y
join {{ ref('regions') }} as r on r.region_code = y.region_code

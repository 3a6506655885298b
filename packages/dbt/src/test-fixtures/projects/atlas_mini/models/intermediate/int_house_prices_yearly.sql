-- Yearly mean of the quarterly index (ephemeral: inlined into its children, not an asset).
select
    region_code,
    boligtype_code,
    boligtype,
    year,
    avg(house_price_index) as house_price_index,
    count(*) as quarters
from {{ ref('stg_house_prices') }}
group by region_code, boligtype_code, boligtype, year

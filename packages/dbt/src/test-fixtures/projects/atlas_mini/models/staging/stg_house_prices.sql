-- SSB table 07221 cells, typed: one row per region, dwelling type and quarter.
select
    region_code,
    boligtype_code,
    case boligtype_code
        when '01' then 'Eneboliger'
        when '02' then 'Småhus'
        when '03' then 'Blokkleiligheter'
    end as boligtype,
    quarter,
    cast(substr(quarter, 1, 4) as integer) as year,
    cast(substr(quarter, 6, 1) as integer) as quarter_of_year,
    cast(house_price_index as double precision) as house_price_index
from {{ ref('ssb_house_price_index_raw') }}

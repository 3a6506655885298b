-- The latest year per region and dwelling type, with the change from the year before.
select
    cur.region_code,
    cur.region_name,
    cur.boligtype_code,
    cur.boligtype,
    cur.year,
    cur.house_price_index,
    cur.house_price_index - prev.house_price_index as change_from_previous_year
from {{ ref('house_price_yearly') }} as cur
left join {{ ref('house_price_yearly') }} as prev
    on prev.region_code = cur.region_code
    and prev.boligtype_code = cur.boligtype_code
    and prev.year = cur.year - 1
where cur.year = (select max(year) from {{ ref('house_price_yearly') }})

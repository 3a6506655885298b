-- One year of the index: the year is the Flyt partition key, passed by Flyt as --vars
-- (flyt_partition_key; 2023 when run without a partition).
select
    region_code,
    boligtype_code,
    quarter,
    house_price_index,
    '{{ var("flyt_partition_key", "2023") }}' as partition_key
from {{ ref('stg_house_prices') }}
where year = cast('{{ var("flyt_partition_key", "2023") }}' as integer)

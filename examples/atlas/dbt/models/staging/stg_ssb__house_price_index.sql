-- SSB table 07221 as the ingest landed it, one row per cube cell, renamed and typed: English
-- column names, the quarter split into year and quarter number, its first day as a date, and
-- whether SSB published a figure. Nothing is dropped here (the mart does that).
with raw as (
    select * from {{ source('ssb', 'house_price_index_raw') }}
),

renamed as (
    select
        cast(partition_year as integer)            as partition_year,
        cast("Region" as varchar(16))              as region_code,
        cast("Region_label" as varchar(200))       as region,
        cast("Boligtype" as varchar(8))            as dwelling_type_code,
        cast("Boligtype_label" as varchar(200))    as dwelling_type,
        cast("ContentsCode" as varchar(64))        as measure_code,
        cast("ContentsCode_label" as varchar(200)) as measure,
        cast("Tid" as varchar(8))                  as quarter,
        cast(value as double precision)            as index_value,
        cast(status as varchar(8))                 as status
    from raw
)

select
    region_code || '-' || dwelling_type_code || '-' || quarter as cell_key,
    partition_year,
    region_code,
    region,
    dwelling_type_code,
    dwelling_type,
    measure_code,
    measure,
    quarter,
    cast(substr(quarter, 1, 4) as integer) as year,
    cast(substr(quarter, 6, 1) as integer) as quarter_number,
    make_date(cast(substr(quarter, 1, 4) as integer), (cast(substr(quarter, 6, 1) as integer) - 1) * 3 + 1, 1) as quarter_start,
    index_value,
    status,
    (index_value is not null and status is null) as is_published
from renamed

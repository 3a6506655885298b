{#-
  The cleaned house price index: typed, labelled, only published figures (src/ssb.ts
  cleanHousePriceRows computes the same rows in TypeScript; the parity test compares them).

  Partitions: the data is annual. Given `--vars '{flyt_partition_key: "2023"}'` (a partitioned Flyt
  run), only that year is rebuilt (incremental, delete+insert by `year`; the other years stay).
  Without it, a plain table of every ingested year is built.
-#}
{%- set partition_year = flyt_partition_year() -%}
{{
    config(
        materialized=('incremental' if partition_year else 'table'),
        incremental_strategy='delete+insert',
        unique_key='year',
        on_schema_change='fail',
    )
}}

select
    h.cell_key           as house_price_key,
    h.region_code,
    h.region,
    h.dwelling_type_code,
    h.dwelling_type,
    d.dwelling_type_en,
    h.quarter,
    h.year,
    h.quarter_number,
    h.quarter_start,
    h.index_value
from {{ ref('stg_ssb__house_price_index') }} as h
left join {{ ref('ssb_dwelling_types') }} as d
    on d.dwelling_type_code = h.dwelling_type_code
where h.is_published
{%- if partition_year %}
  and h.year = {{ partition_year }}
{%- endif %}
order by h.region_code, h.dwelling_type_code, h.quarter

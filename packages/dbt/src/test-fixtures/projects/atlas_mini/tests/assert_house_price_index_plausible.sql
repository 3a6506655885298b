-- Error severity. Fails on purpose when var atlas_mini_max_index is set below the data (e.g. 150):
-- dbt then skips house_price_yearly's children (house_price_summary, daily_overview).
select * from {{ ref('house_price_yearly') }}
where house_price_index > {{ var('atlas_mini_max_index', 1000) }}

-- Daily weather in Bergen from the forecast steps. With var atlas_mini_fail_model it fails on
-- purpose (a cast error at run time), so that its downstream daily_overview is skipped.
{% if var('atlas_mini_fail_model', false) %}
select cast('not a number' as integer) as forecast_date
{% else %}
select
    forecast_date,
    min(air_temperature_c) as min_temperature_c,
    max(air_temperature_c) as max_temperature_c,
    max(wind_speed_ms) as max_wind_speed_ms,
    count(*) as forecast_steps
from {{ ref('stg_met_forecast') }}
group by forecast_date
{% endif %}

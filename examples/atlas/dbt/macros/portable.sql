{#
  SQL that must read the same on DuckDB and PostgreSQL (the project's two targets).
#}

{# The calendar date of a UTC ISO-8601 timestamp text in a time zone (DuckDB: the built-in ICU extension). #}
{% macro local_date(iso_utc_text, time_zone='Europe/Oslo') -%}
  cast((cast({{ iso_utc_text }} as timestamptz) at time zone '{{ time_zone }}') as date)
{%- endmacro %}

{#
  Rounds a double to `digits` decimals. PostgreSQL has round(numeric, int) only, so round as
  numeric and come back to double precision on both targets.
#}
{% macro round_to(expression, digits) -%}
  cast(round(cast({{ expression }} as numeric(18, 6)), {{ digits }}) as double precision)
{%- endmacro %}

{#
  The Flyt partition of the run, for models whose data is annual (SSB 07221).

  Flyt's dbt integration passes a partitioned run's key as `--vars '{flyt_partition_key: "2023"}'`
  (also flyt_partition_start / flyt_partition_end, null for static partitions). Without it (a plain
  `dbt build`, or an unpartitioned Flyt asset) every year is built.

  Returns the year as a string, or none. Fails at compile time when the key is not a year, so a
  mistyped partition never builds an empty or wrong slice.
#}
{% macro flyt_partition_year() %}
  {%- set key = var('flyt_partition_key', none) -%}
  {%- if key is none or (key | string | trim) == '' -%}
    {{ return(none) }}
  {%- endif -%}
  {%- set year = key | string | trim -%}
  {%- if not modules.re.match('^[0-9]{4}$', year) -%}
    {{ exceptions.raise_compiler_error("flyt_partition_key " ~ (key | tojson) ~ " is not a year like 2023: the SSB house price models are partitioned by year") }}
  {%- endif -%}
  {{ return(year) }}
{% endmacro %}

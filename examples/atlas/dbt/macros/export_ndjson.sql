{#
  Post-hook: on the DuckDB target, writes the model's rows as newline-delimited JSON to
  $ATLAS_DATA_DIR/<file_name> (the same folder as the landing files and the DuckDB file), for
  readers that should not open the DuckDB database (the TypeScript asset that writes the served
  JSON document, while dbt may hold the database's write lock). A no-op on other targets: there
  the table is read directly.
#}
{% macro export_ndjson(file_name, order_by=none) -%}
  {%- if target.type == 'duckdb' -%}
    {%- set path = env_var('ATLAS_DATA_DIR', '../data') ~ '/' ~ file_name -%}
    copy (select * from {{ this }}{% if order_by %} order by {{ order_by }}{% endif %})
      to '{{ path }}' (format json)
  {%- else -%}
    select 1 as export_ndjson_skipped_on_{{ target.type }}
  {%- endif -%}
{%- endmacro %}

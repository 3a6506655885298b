{#- A query counting `rows` rows the slow way (DuckDB: a cross join of ranges; PostgreSQL: generate_series). -#}
{% macro atlas_mini_slow(rows) %}
  {{ return(adapter.dispatch('atlas_mini_slow')(rows)) }}
{% endmacro %}

{% macro default__atlas_mini_slow(rows) %}
select count(*) as n from generate_series(1, {{ rows }}) as a(i) cross join generate_series(1, 1000) as b(j) where a.i + b.j > 0
{% endmacro %}

{% macro duckdb__atlas_mini_slow(rows) %}
select count(*) as n from range({{ rows }}) as a(i) cross join range(1000) as b(j) where (a.i * 7 + b.j) % 3 >= 0
{% endmacro %}

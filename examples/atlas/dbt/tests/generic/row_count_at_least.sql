{#
  Fails when the model has fewer than `min_rows` rows (the dbt counterpart of the example's
  TypeScript rowCountCheck). Returns one row, with the count, when it fails.
#}
{% test row_count_at_least(model, min_rows=1) %}
select row_count
from (select count(*) as row_count from {{ model }}) as counted
where row_count < {{ min_rows }}
{% endtest %}

-- A query that takes as long as asked (var atlas_mini_slow_rows; instant by default), so that
-- cancellation can interrupt dbt in the middle of a node.
{{ atlas_mini_slow(var('atlas_mini_slow_rows', 1)) }}

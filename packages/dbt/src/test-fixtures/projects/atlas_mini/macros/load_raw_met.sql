{#-
  Creates and fills the raw MET forecast table that the `met` source reads: in Atlas this table is
  written by a Flyt ingest asset (atlas/met/...), upstream of dbt; here an on-run-start hook stands
  in for it so that the project builds on its own. Real rows of MET Norway's locationforecast 2.0
  compact response for Bergen, 2023-09-17 (examples/atlas/fixtures/met), one row per step kept.
  Portable SQL (DuckDB and PostgreSQL); idempotent (delete + insert, never drop: views read it).
-#}
{% macro atlas_mini_load_raw_met() %}
  {%- if var('atlas_mini_load_raw', true) -%}
  create schema if not exists {{ target.schema }};
  create table if not exists {{ target.schema }}.raw_met_locationforecast_bergen (
    time_utc varchar(20),
    air_temperature double precision,
    wind_speed double precision,
    relative_humidity double precision,
    precipitation_1h double precision,
    precipitation_6h double precision
  );
  delete from {{ target.schema }}.raw_met_locationforecast_bergen;
  insert into {{ target.schema }}.raw_met_locationforecast_bergen
    (time_utc, air_temperature, wind_speed, relative_humidity, precipitation_1h, precipitation_6h)
  values
      ('2023-09-17T19:00:00Z', 11.2, 1.7, 80.7, 0.0, 0.0),
      ('2023-09-17T20:00:00Z', 10.9, 2.1, 77.9, 0.0, 0.0),
      ('2023-09-18T00:00:00Z', 13.3, 3.4, 49.9, 0.0, 1.2),
      ('2023-09-18T06:00:00Z', 12.7, 1.1, 89.4, 0.2, 1.3),
      ('2023-09-18T12:00:00Z', 18.8, 4.6, 62.6, 0.0, 3.6),
      ('2023-09-18T18:00:00Z', 15.9, 7.4, 75.4, 0.7, 4.7),
      ('2023-09-19T00:00:00Z', 15.9, 6.2, 81.0, 1.4, 3.8),
      ('2023-09-19T06:00:00Z', 11.4, 2.4, 93.8, 0.0, 1.3),
      ('2023-09-19T12:00:00Z', 11.7, 2.4, 83.4, 0.3, 0.9),
      ('2023-09-19T18:00:00Z', 12.0, 3.9, 85.1, 1.6, 2.2),
      ('2023-09-20T00:00:00Z', 11.0, 3.5, 80.5, null, 0.0),
      ('2023-09-20T06:00:00Z', 10.4, 3.2, 95.1, null, 5.2),
      ('2023-09-20T12:00:00Z', 14.4, 5.1, 93.0, null, 6.5),
      ('2023-09-20T18:00:00Z', 14.3, 5.5, 97.7, null, 5.7),
      ('2023-09-21T00:00:00Z', 14.4, 4.7, 97.6, null, 9.1),
      ('2023-09-21T06:00:00Z', 12.7, 3.4, 97.5, null, 10.5),
      ('2023-09-21T12:00:00Z', 14.6, 3.4, 93.3, null, 9.0),
      ('2023-09-21T18:00:00Z', 13.3, 2.7, 96.6, null, 0.0),
      ('2023-09-22T00:00:00Z', 12.8, 2.2, 95.8, null, 4.5),
      ('2023-09-22T06:00:00Z', 11.6, 2.4, 97.1, null, 3.3);
  {%- else -%}
  select 1
  {%- endif -%}
{% endmacro %}

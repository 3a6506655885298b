"""A Pipes child using the official `dagster-pipes` package, unchanged. Scenario in argv[1]."""
import sys

from dagster_pipes import open_dagster_pipes

scenario = sys.argv[1] if len(sys.argv) > 1 else "materialize"

with open_dagster_pipes() as pipes:
    pipes.report_custom_message(
        {
            "asset_keys": list(pipes.asset_keys),
            "asset_key": pipes.asset_key if len(pipes.asset_keys) == 1 else None,
            "code_version": pipes.code_version_by_asset_key,
            "partition_key": pipes.partition_key if pipes.is_partition_step else None,
            "partition_key_range": pipes.partition_key_range if pipes.is_partition_step else None,
            "partition_time_window": pipes.partition_time_window if pipes.is_partition_step else None,
            "run_id": pipes.run_id,
            "job_name": pipes.job_name,
            "retry_number": pipes.retry_number,
            "extras": dict(pipes.extras),
        }
    )
    if scenario == "materialize":
        pipes.log.info("hello from python")
        pipes.log.warning("python warns")
        pipes.log.critical("python is critical")
        print("plain python stdout", flush=True)
        print("plain python stderr", file=sys.stderr, flush=True)
        pipes.report_asset_materialization(
            metadata={
                "rows": 42,
                "ratio": 0.5,
                "source": "ssb",
                "complete": True,
                "nothing": None,
                "years": [2022, 2023],
                "homepage": {"raw_value": "https://www.ssb.no", "type": "url"},
                "file": {"raw_value": "/data/x.parquet", "type": "path"},
                "notes": {"raw_value": "# Notes", "type": "md"},
                "count": {"raw_value": 7, "type": "int"},
                "mean": {"raw_value": 1.25, "type": "float"},
                "flag": {"raw_value": False, "type": "bool"},
                "label": {"raw_value": "text", "type": "text"},
                "payload": {"raw_value": {"a": 1}, "type": "json"},
                "updated": {"raw_value": 1700000000.5, "type": "timestamp"},
                "run": {"raw_value": "abc", "type": "dagster_run"},
                "upstream": {"raw_value": "atlas/ssb/x", "type": "asset"},
                "notebook": {"raw_value": "/nb.ipynb", "type": "notebook"},
                "empty": {"raw_value": None, "type": "null"},
                "schema": {
                    "raw_value": {"columns": [{"name": "id", "type": "int"}, {"name": "name", "type": "string"}]},
                    "type": "table_schema",
                },
                "preview": {
                    "raw_value": {
                        "records": [{"id": 1, "name": "a"}],
                        "schema": [{"name": "id", "type": "int"}, {"name": "name", "type": "string"}],
                    },
                    "type": "table",
                },
                "lineage": {"raw_value": {"deps_by_column": {}}, "type": "table_column_lineage"},
            },
            data_version="v42",
        )
        pipes.report_asset_check("rows_positive", passed=True, metadata={"rows": 42})
        pipes.report_asset_check("fresh_enough", passed=False, severity="WARN")
    elif scenario == "raise":
        pipes.log.info("about to fail")
        raise ValueError("boom from python")
    elif scenario == "other-asset":
        pipes.report_asset_materialization(metadata={"rows": 1}, asset_key="not/my/asset")
    elif scenario == "silent":
        pass

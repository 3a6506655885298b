"""A Pipes child in Python with only the standard library (no client): reads the recorded SSB
table 07221 (JSON-stat 2.0) and reports its dimensions as rows, with their schema, by writing
Pipes messages to stderr (the stdio channel)."""
import base64, json, os, sys, zlib

def send(method, params):
    print(json.dumps({"__dagster_pipes_version": "0.1", "method": method, "params": params}), file=sys.stderr, flush=True)

context_params = json.loads(zlib.decompress(base64.b64decode(os.environ["DAGSTER_PIPES_CONTEXT"])))
context = context_params["data"] if "data" in context_params else json.load(open(context_params["path"]))
send("opened", {"extras": {}})
try:
    dataset = json.load(open(context["extras"]["dataset_file"], encoding="utf-8"))
    rows = [{"dimension": d, "categories": len(dataset["dimension"][d]["category"]["index"])} for d in dataset["id"]]
    print(f"SSB 07221 has {len(rows)} dimensions", flush=True)
    send("log", {"message": f"dimensions: {', '.join(r['dimension'] for r in rows)}", "level": "INFO"})
    send("report_asset_materialization", {"asset_key": None, "data_version": None, "metadata": {
        "rows": {"raw_value": len(rows), "type": "int"},
        "schema": {"raw_value": {"columns": [{"name": "dimension", "type": "TEXT"}, {"name": "categories", "type": "INTEGER"}]}, "type": "table_schema"},
        "preview": {"raw_value": {"records": rows, "schema": [{"name": "dimension", "type": "TEXT"}, {"name": "categories", "type": "INTEGER"}]}, "type": "table"},
    }})
    send("closed", {})
except Exception as error:
    send("closed", {"exception": {"name": type(error).__name__, "message": str(error), "stack": [], "cause": None, "context": None}})
    raise

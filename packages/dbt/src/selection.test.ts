/**
 * dbt's selection syntax over the manifest: hand-worked expectations on the cosmos fixture (its
 * graph is small enough to follow by eye), refused expressions, Python's fnmatch, and — when a
 * real dbt is installed (/work/main/.venv-dbt or FLYT_TEST_DBT) — the same expressions and every
 * exact selector compared with what `dbt ls` selects on a small project built in a temp dir.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { InvalidSelectionError } from "@flyt/core";
import { parseManifest, readManifest } from "./manifest.js";
import { mapProject } from "./mapping.js";
import { DbtGraph, DbtSelectionError, fnmatch, parseSelection, selectUniqueIds } from "./selection.js";
import { fixtureJson, fixturePath } from "./test-fixtures/manifests/fixtures.js";

const cosmos = new DbtGraph(readManifest(fixturePath("cosmos_altered_jaffle_shop")));

/** The models and seeds `select` minus `exclude` picks on cosmos, by name. */
function picked(select: string, exclude?: string, graph = cosmos): string[] {
  return [...selectUniqueIds(graph, select, exclude)]
    .map((id) => graph.members.get(id)!)
    .filter((m) => m.resourceType === "model" || m.resourceType === "seed" || m.resourceType === "snapshot")
    .map((m) => m.name)
    .sort();
}

const STAGING = ["stg_customers", "stg_orders", "stg_payments"];

describe("selection on cosmos, worked by hand", () => {
  it("methods", () => {
    assert.deepEqual(picked("tag:customers"), ["customers"]);
    assert.deepEqual(picked("tag:cust*"), ["customers"]);
    assert.deepEqual(picked("staging"), STAGING, "a bare value is an fqn, matched without the package too");
    assert.deepEqual(picked("altered_jaffle_shop.staging"), STAGING);
    assert.deepEqual(picked("altered_jaffle_shop.staging.stg_*"), STAGING);
    assert.deepEqual(picked("stg_*"), STAGING, "a bare wildcard also matches leaves");
    assert.deepEqual(picked("fqn:altered_jaffle_shop.orders"), ["orders"]);
    assert.deepEqual(picked("resource_type:seed"), ["raw_customers", "raw_orders", "raw_payments"]);
    assert.deepEqual(picked("config.materialized:view"), STAGING);
    assert.deepEqual(picked("config.materialized:ephemeral"), ["ephemeral_customers"]);
    assert.deepEqual(picked("config.on_schema_change:ignore").length, 10, "any plain config value");
    assert.deepEqual(picked("package:this"), picked("package:altered_jaffle_shop"));
    assert.equal(picked("package:this").length, 10);
    assert.deepEqual(picked("package:elementary"), []);
    assert.deepEqual(picked("path:models/staging"), STAGING);
    assert.deepEqual(picked("models/staging/"), STAGING, "a bare value with a slash is a path");
    assert.deepEqual(picked("path:models/*/stg_orders.sql"), ["stg_orders"]);
    assert.deepEqual(picked("path:models/customers.sql"), ["customers"]);
    assert.deepEqual(picked("path:models/schema.yml"), ["customers", "orders"], "the YAML documenting a model selects it");
    assert.deepEqual(picked("customers.sql"), ["customers"], "a bare value ending in .sql is a file");
    assert.deepEqual(picked("file:stg_orders"), ["stg_orders"]);
    assert.deepEqual(picked("source:postgres_db.raw_customers+"), ["customers", "ephemeral_customers", "ephemeral_customers_downstream", "stg_customers"]);
    assert.deepEqual(picked("source:altered_jaffle_shop.postgres_db.raw_*+1"), STAGING);
    assert.deepEqual(picked("group:finance"), []);
  });

  it("graph operators go through ephemeral models, tests and sources as dbt's graph does", () => {
    assert.deepEqual(picked("+orders"), ["orders", "raw_orders", "raw_payments", "stg_orders", "stg_payments"]);
    assert.deepEqual(picked("stg_orders+"), ["customers", "ephemeral_customers", "ephemeral_customers_downstream", "orders", "stg_orders"]);
    assert.deepEqual(picked("1+customers"), ["customers", ...STAGING]);
    assert.deepEqual(picked("customers+1"), ["customers", "ephemeral_customers"]);
    assert.deepEqual(picked("2+ephemeral_customers_downstream"), ["customers", "ephemeral_customers", "ephemeral_customers_downstream"]);
    // orders' relationships test depends on customers too, so @orders reaches customers' ancestors.
    assert.deepEqual(picked("@orders"), ["customers", "orders", "raw_customers", "raw_orders", "raw_payments", ...STAGING]);
  });

  it("space is union, comma intersection, exclude subtracted", () => {
    assert.deepEqual(picked("orders customers"), ["customers", "orders"]);
    assert.deepEqual(picked("+customers,resource_type:seed"), ["raw_customers", "raw_orders", "raw_payments"]);
    assert.deepEqual(picked("tag:customers,resource_type:seed"), []);
    assert.deepEqual(picked("staging", "stg_orders"), ["stg_customers", "stg_payments"]);
    assert.deepEqual(picked("+customers", "resource_type:seed config.materialized:view"), ["customers"]);
    assert.equal(picked("", "stg_orders").length, 9, "no select: everything, minus the exclusion");
  });

  it("group: reads the nodes' dbt group (derived: orders in group finance)", () => {
    const json = fixtureJson("cosmos_altered_jaffle_shop");
    json.nodes["model.altered_jaffle_shop.orders"].config.group = "finance";
    const graph = new DbtGraph(parseManifest(json, "m.json"));
    assert.deepEqual(picked("group:finance", undefined, graph), ["orders"]);
    assert.deepEqual(picked("group:fin*+", undefined, graph), ["orders"]);
  });
});

describe("selection: refused expressions", () => {
  const refused = (expression: string, message: RegExp): void => {
    assert.throws(
      () => selectUniqueIds(cosmos, expression, undefined),
      (error: unknown) => error instanceof DbtSelectionError && error instanceof InvalidSelectionError && error.code === "INVALID_SELECTION" && message.test(error.message),
      expression,
    );
  };

  it("names the term and what is wrong, listing the methods Flyt evaluates", () => {
    refused("tag:a state:modified+", /^Invalid selection "tag:a state:modified\+": "state:modified\+": dbt's method "state:" is not evaluated by Flyt \(it compares with another manifest\); supported: fqn, tag, path, file, package, resource_type, config\.<key>, source, group$/);
    refused("tga:nightly", /unknown method "tga:" \(did you mean "tag:"\?\); supported: fqn, tag/);
    refused("bogus_method:x", /unknown method "bogus_method:"; supported: /);
    refused("test_name:unique", /dbt's method "test_name:" is not evaluated by Flyt \(tests are not assets\)/);
    refused("@orders+", /the "@" prefix and the "\+" suffix cannot be combined/);
    refused("resource_type:modle", /unknown resource type "modle" \(did you mean "model"\?\)/);
    refused("config:table", /config needs a key: "config\.materialized:table"/);
    refused("tag.x:y", /method "tag:" takes no arguments \("tag\.x:"\)/);
    refused("source:a.b.c.d", /a source is `source_name`, `source_name\.table` or `package\.source_name\.table`/);
    refused("+", /"\+"?: ?no search value|no search value/);
  });

  it("parses graph operators and depths as dbt does", () => {
    assert.deepEqual(parseSelection("2+tag:nightly+3,@x"), [
      [
        { raw: "2+tag:nightly+3", method: "tag", methodArguments: [], value: "nightly", childrensParents: false, parents: true, parentsDepth: 2, children: true, childrenDepth: 3 },
        { raw: "@x", method: "fqn", methodArguments: [], value: "x", childrensParents: true, parents: false, parentsDepth: null, children: false, childrenDepth: null },
      ],
    ]);
    assert.equal(parseSelection("config.materialized:table")[0]?.[0]?.methodArguments[0], "materialized");
  });
});

describe("fnmatch: Python's rules", () => {
  it("matches *, ?, [seq], [!seq] on the whole name, case-sensitively", () => {
    assert.equal(fnmatch("stg_orders", "stg_*"), true);
    assert.equal(fnmatch("stg_orders", "STG_*"), false);
    assert.equal(fnmatch("a.b.c", "a*c"), true, "* crosses dots");
    assert.equal(fnmatch("abc", "a?c"), true);
    assert.equal(fnmatch("abc", "a?"), false);
    assert.equal(fnmatch("customers", "customer[s]"), true);
    assert.equal(fnmatch("customers.inner", "customer[s]"), false);
    assert.equal(fnmatch("xbc", "[!a]bc"), true);
    assert.equal(fnmatch("abc", "[!a]bc"), false);
    assert.equal(fnmatch("b1", "[a-c]1"), true);
    assert.equal(fnmatch("]", "[]]"), true);
    assert.equal(fnmatch("[x", "[x"), true, "an unclosed [ is literal");
    assert.equal(fnmatch("a+b", "a+b"), true, "regular expression characters are literal");
  });
});

// ---------------------------------------------------------------------------------------------
// Against the real dbt
// ---------------------------------------------------------------------------------------------

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const DBT = process.env.FLYT_TEST_DBT ?? join(REPO, ".venv-dbt", "bin", "dbt");
const HAVE_DBT = existsSync(DBT);

/** A small project with the cases that trip selection: a folder named like a model, versions, an ephemeral model, two snapshots in one file. */
const PROJECT: Record<string, string> = {
  "dbt_project.yml": 'name: tiny\nversion: "1.0"\nprofile: tiny\nmodels:\n  tiny:\n    staging:\n      +materialized: view\n      +tags: ["stage"]\n',
  "profiles.yml": "tiny:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: tiny.duckdb\n",
  "seeds/raw_people.csv": "id,name\n1,a\n",
  "models/staging/stg_people.sql": "select * from {{ ref('raw_people') }} union all select * from {{ source('ext', 'people') }}\n",
  "models/staging/sources.yml": "version: 2\nsources:\n  - name: ext\n    schema: main\n    tables:\n      - name: people\n        columns:\n          - name: id\n            tests: [not_null]\n",
  "models/eph.sql": "{{ config(materialized='ephemeral') }}\nselect * from {{ ref('stg_people') }}\n",
  "models/customers.sql": "{{ config(materialized='table', tags=['cust']) }}\nselect * from {{ ref('eph') }}\n",
  "models/customers/inner.sql": "select * from {{ ref('customers') }}\n",
  "models/orders.sql": "select 1 as id, 1 as customer_id\n",
  "models/dim.sql": "select 1 as id\n",
  "models/dim_v2.sql": "select 2 as id\n",
  "models/schema.yml":
    "version: 2\nmodels:\n  - name: orders\n    config:\n      group: finance\n    columns:\n      - name: customer_id\n        tests:\n          - relationships:\n              to: ref('customers')\n              field: id\n" +
    "  - name: dim\n    latest_version: 1\n    versions:\n      - v: 1\n      - v: 2\n",
  "models/groups.yml": "version: 2\ngroups:\n  - name: finance\n    owner:\n      email: finance@example.com\n",
  "models/exposures.yml": "version: 2\nexposures:\n  - name: dash\n    type: dashboard\n    owner:\n      email: bi@example.com\n    depends_on:\n      - ref('customers')\n",
  "tests/singular_two.sql": "select * from {{ ref('orders') }} join {{ ref('customers') }} using (id) where false\n",
  "snapshots/snaps.sql":
    "{% snapshot snap_a %}\n{{ config(target_schema='snapshots', unique_key='id', strategy='check', check_cols='all') }}\nselect * from {{ ref('raw_people') }}\n{% endsnapshot %}\n" +
    "{% snapshot snap_b %}\n{{ config(target_schema='snapshots', unique_key='id', strategy='check', check_cols='all') }}\nselect * from {{ ref('raw_people') }}\n{% endsnapshot %}\n",
};

/** Runs `dbt ls` for each query in one Python process (dbt's programmatic runner): ~0.2 s a query instead of ~3 s. */
const LS_SCRIPT = `
import json, sys
from dbt.cli.main import dbtRunner
runner = dbtRunner()
out = []
for query in json.load(sys.stdin):
    args = ["ls", "--select", query["select"], "--indirect-selection", "empty", "--output", "json", "--output-keys", "unique_id", "--quiet", "--project-dir", sys.argv[1], "--profiles-dir", sys.argv[1]]
    if query.get("exclude"):
        args += ["--exclude", query["exclude"]]
    result = runner.invoke(args)
    out.append(sorted(json.loads(line)["unique_id"] for line in result.result) if result.success else {"error": str(result.exception)})
print("FLYT_LS " + json.dumps(out))
`;

interface Query {
  select: string;
  exclude?: string;
}

describe("selection against the real dbt", { skip: HAVE_DBT ? false : `no dbt at ${DBT} (set FLYT_TEST_DBT to run it)` }, () => {
  let dir = "";
  let graph: DbtGraph;

  const env = { ...process.env, DBT_SEND_ANONYMOUS_USAGE_STATS: "false", DBT_USE_COLORS: "false" };

  function dbtLs(queries: Query[]): (string[] | { error: string })[] {
    const python = join(dirname(DBT), "python");
    if (existsSync(python)) {
      const script = join(dir, "ls.py");
      writeFileSync(script, LS_SCRIPT);
      const out = spawnSync(python, [script, dir], { input: JSON.stringify(queries), env, encoding: "utf8", maxBuffer: 16 << 20 });
      const line = out.stdout.split("\n").find((l) => l.startsWith("FLYT_LS "));
      assert.ok(line, `dbt ls failed: ${out.stderr}`);
      return JSON.parse(line.slice("FLYT_LS ".length)) as (string[] | { error: string })[];
    }
    // A dbt without its Python beside it (FLYT_TEST_DBT): one process per query, slower.
    return queries.map((query) => {
      const args = ["ls", "--select", query.select, "--indirect-selection", "empty", "--output", "json", "--output-keys", "unique_id", "--quiet", "--project-dir", dir, "--profiles-dir", dir];
      if (query.exclude) args.push("--exclude", query.exclude);
      const out = spawnSync(DBT, args, { env, encoding: "utf8" });
      if (out.status !== 0) return { error: out.stdout + out.stderr };
      return out.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => (JSON.parse(l) as { unique_id: string }).unique_id).sort();
    });
  }

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "flyt-dbt-selection-"));
    for (const [path, text] of Object.entries(PROJECT)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const parse = spawnSync(DBT, ["parse", "--project-dir", dir, "--profiles-dir", dir], { env, encoding: "utf8" });
    assert.equal(parse.status, 0, `dbt parse failed: ${parse.stdout}${parse.stderr}`);
    graph = new DbtGraph(readManifest(join(dir, "target", "manifest.json")));
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("selects what dbt ls selects, expression by expression", () => {
    const queries: Query[] = [
      "tiny.customers", "customers", "@orders", "+customers", "customers+", "1+customers", "stg_people+1", "tag:stage+", "tag:cust",
      "source:ext+", "source:ext.people", "source:tiny.ext.*", "path:models/staging", "models/staging", "path:models/schema.yml", "path:models",
      "customers.sql", "file:customers", "package:this,tag:cust", "tiny.*.stg_*", "stg_*", "config.materialized:ephemeral",
      "config.materialized:view+", "resource_type:snapshot", "resource_type:test", "group:finance", "dim", "tiny.dim", "tiny.dim.v2", "dim_v2",
      "tag:stage tag:cust", "tag:stage,resource_type:model", "tiny.snaps", "snap_a", "fqn:tiny.customer[s]",
    ].map((select) => ({ select }));
    queries.push({ select: "+customers", exclude: "resource_type:seed" }, { select: "path:models", exclude: "tiny.customers" }, { select: "@orders", exclude: "source:*" });
    const answers = dbtLs(queries);
    queries.forEach((query, index) => {
      const expected = answers[index];
      assert.ok(Array.isArray(expected), `dbt ls ${JSON.stringify(query)}: ${JSON.stringify(expected)}`);
      assert.deepEqual([...selectUniqueIds(graph, query.select, query.exclude)].sort(), expected, JSON.stringify(query));
    });
  });

  it("names each asset and check exactly with its selector", () => {
    const map = mapProject(graph.manifest, {});
    const named = [...map.assets, ...map.checks];
    assert.deepEqual([map.assets.length, map.checks.length], [9, 2], "the singular test on two models is no check");
    const ambiguous = map.assets.find((a) => a.name === "customers");
    assert.match(ambiguous?.selector ?? "", /^fqn:tiny\.customer\[s\],resource_type:model,package:tiny$/, "a folder named like the model forces the narrow form");
    const answers = dbtLs(named.map((n) => ({ select: n.selector })));
    named.forEach((node, index) => assert.deepEqual(answers[index], [node.uniqueId], `${node.uniqueId}: ${node.selector}`));
  });
});

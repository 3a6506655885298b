/**
 * Mapping manifests to Flyt's view of the project: the committed fixtures map to the expected
 * keys, dependencies (through ephemeral models, to sources), checks (a source test, a
 * relationships test), kinds, groups and selectors; the options and `meta.flyt` override what they
 * should; bad keys and collisions fail naming the node and its file. Variations are derived in
 * memory from the fixtures (test-fixtures/manifests/README.md).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidDefinitionsError } from "@flyt/core";
import { parseManifest, readManifest } from "./manifest.js";
import { DbtMappingError, mapProject, type DbtMappingOptions } from "./mapping.js";
import { DbtSelectionError } from "./selection.js";
import type { DbtProjectMap } from "./types.js";
import { fixtureJson, fixturePath, type FixtureName } from "./test-fixtures/manifests/fixtures.js";

function mapFixture(name: FixtureName, options: DbtMappingOptions = {}): DbtProjectMap {
  return mapProject(readManifest(fixturePath(name)), options);
}

function mapJson(json: Record<string, any>, options: DbtMappingOptions = {}): DbtProjectMap {
  return mapProject(parseManifest(json, "target/manifest.json"), options);
}

function asset(map: DbtProjectMap, uniqueId: string) {
  const found = map.assets.find((a) => a.uniqueId === uniqueId);
  assert.ok(found, `${uniqueId} is an asset`);
  return found;
}

function mappingError(fn: () => unknown): DbtMappingError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof DbtMappingError, `expected a DbtMappingError, got ${String(error)}`);
    assert.ok(error instanceof InvalidDefinitionsError);
    return error;
  }
  assert.fail("expected a DbtMappingError");
}

const COSMOS = "model.altered_jaffle_shop";

describe("mapProject: cosmos (dbt 1.11: ephemeral models, sources, source tests, an exposure)", () => {
  const map = mapFixture("cosmos_altered_jaffle_shop", { exposures: true });

  it("makes models and seeds assets, not the ephemeral model nor tests", () => {
    assert.equal(map.projectName, "altered_jaffle_shop");
    assert.equal(map.adapter, "postgres");
    assert.equal(map.dbtVersion, "1.11.2");
    assert.deepEqual(map.assets.map((a) => a.assetKey).sort(), [
      "public/customers",
      "public/ephemeral_customers_downstream",
      "public/orders",
      "public/raw_customers",
      "public/raw_orders",
      "public/raw_payments",
      "public/stg_customers",
      "public/stg_orders",
      "public/stg_payments",
    ]);
    assert.equal(map.byUniqueId.has(`${COSMOS}.ephemeral_customers`), false);
    assert.equal(map.byAssetKey.get("public/orders")?.uniqueId, `${COSMOS}.orders`);
  });

  it("traces dependencies through the ephemeral model and maps sources to upstream keys", () => {
    assert.deepEqual(asset(map, `${COSMOS}.ephemeral_customers_downstream`).deps, ["public/customers"]);
    const staging = asset(map, `${COSMOS}.stg_customers`);
    assert.deepEqual(staging.deps, ["postgres_db/raw_customers", "public/raw_customers"]);
    assert.deepEqual(staging.sourceDeps, ["postgres_db/raw_customers"]);
    assert.deepEqual(asset(map, `${COSMOS}.customers`).deps, ["public/stg_customers", "public/stg_orders", "public/stg_payments"]);
    assert.deepEqual(
      map.sources.map((s) => [s.uniqueId, s.assetKey]),
      ["not_connected_source", "raw_customers", "raw_orders", "raw_payments"].map((t) => [`source.altered_jaffle_shop.postgres_db.${t}`, `postgres_db/${t}`]),
    );
  });

  it("carries what dbt says about each asset", () => {
    const customers = asset(map, `${COSMOS}.customers`);
    assert.equal(customers.resourceType, "model");
    assert.equal(customers.name, "customers");
    assert.equal(customers.selector, "altered_jaffle_shop.customers");
    assert.equal(customers.group, "dbt");
    assert.deepEqual(customers.owners, []);
    assert.deepEqual(customers.kinds, ["dbt", "postgres"]);
    assert.deepEqual(customers.tags, { "dbt_tag/customers": "" });
    assert.equal(customers.materialized, "table");
    assert.equal(customers.relation, '"p"."public"."customers"');
    assert.equal(customers.codeVersion, "9f2eb13e3f280ace0666a0e18bbf66245f1c189e1362d6f3b9e276d0b3133749");
    assert.equal(customers.path, "models/customers.sql");
    assert.match(customers.description ?? "", /^This table has basic information about a customer/);
    assert.equal(customers.columns.length, 7);
    assert.deepEqual(customers.columns[0], { name: "customer_id", type: null, description: "This is a unique identifier for a customer" });
    assert.deepEqual(customers.meta, {});
    const seed = asset(map, "seed.altered_jaffle_shop.raw_orders");
    assert.deepEqual(seed.kinds, ["dbt", "postgres", "seed"]);
    assert.equal(seed.materialized, "seed");
    assert.equal(seed.description, null);
    assert.equal(asset(map, `${COSMOS}.stg_orders`).selector, "altered_jaffle_shop.staging.stg_orders");
    assert.equal(asset(map, `${COSMOS}.stg_orders`).materialized, "view");
  });

  it("makes every test a check: on its attached node, source tests on the source's key, relationships on the model declaring it", () => {
    assert.equal(map.checks.length, 26);
    const relationships = map.checks.find((c) => c.checkName.startsWith("relationships_orders_customer_id"));
    assert.deepEqual(relationships, {
      uniqueId: "test.altered_jaffle_shop.relationships_orders_customer_id__customer_id__ref_customers_.c6ec7f58f2",
      assetKey: "public/orders",
      checkName: "relationships_orders_customer_id__customer_id__ref_customers_",
      severity: "error",
      blocking: true,
      description: "dbt test relationships on customer_id",
      selector: "altered_jaffle_shop.relationships_orders_customer_id__customer_id__ref_customers_",
      onSource: false,
    });
    const onSources = map.checks.filter((c) => c.onSource);
    assert.deepEqual(onSources.map((c) => `${c.assetKey}:${c.checkName}`).sort(), [
      "postgres_db/raw_customers:source_not_null_postgres_db_raw_customers_id",
      "postgres_db/raw_customers:source_unique_postgres_db_raw_customers_id",
      "postgres_db/raw_orders:source_not_null_postgres_db_raw_orders_id",
      "postgres_db/raw_orders:source_unique_postgres_db_raw_orders_id",
      "postgres_db/raw_payments:source_not_null_postgres_db_raw_payments_id",
      "postgres_db/raw_payments:source_unique_postgres_db_raw_payments_id",
    ]);
    assert.equal(onSources[0]?.selector.startsWith("altered_jaffle_shop.staging.source_"), true);
    assert.equal(map.byUniqueId.get("test.altered_jaffle_shop.unique_orders_order_id.fed79b3a6e")?.assetKey, "public/orders");
  });

  it("maps the exposure, only when asked", () => {
    assert.deepEqual(map.exposures, [
      {
        uniqueId: "exposure.altered_jaffle_shop.weekly_metrics",
        name: "weekly_metrics",
        assetKey: "exposure/weekly_metrics",
        deps: ["public/customers"],
        description: null,
        owners: ["team@astronomer-cosmos.org"],
        url: null,
        type: "dashboard",
      },
    ]);
    assert.deepEqual(mapFixture("cosmos_altered_jaffle_shop").exposures, []);
  });
});

describe("mapProject: the other fixtures", () => {
  it("jaffle_shop (dbt 1.9, BigQuery): 36 models incl. the elementary package's and 3 seeds; operations are not assets", () => {
    const map = mapFixture("jaffle_shop_dbt19_build");
    assert.equal(map.assets.length, 39);
    assert.equal(map.assets.filter((a) => a.uniqueId.startsWith("model.elementary.")).length, 30);
    assert.equal(map.assets.some((a) => a.uniqueId.startsWith("operation.")), false);
    const hashes = asset(map, "model.elementary.dbt_artifacts_hashes");
    assert.equal(hashes.assetKey, "jaffle_shop/dbt_artifacts_hashes");
    assert.equal(hashes.selector, "elementary.edr.dbt_artifacts.dbt_artifacts_hashes");
    assert.equal(hashes.deps.length, 8);
    assert.deepEqual(hashes.kinds, ["dbt", "bigquery"]);
    assert.equal(asset(map, "model.jaffle_shop.daily_orders").materialized, "incremental");
    assert.deepEqual(asset(map, "model.jaffle_shop.orders").tags, { "dbt_tag/lightdash": "" });
    assert.equal(map.checks.length, 20);
    assert.equal(map.checks.find((c) => c.checkName.startsWith("relationships_"))?.assetKey, "jaffle_shop/orders");
  });

  it("openlineage build (dbt 1.8, no macros): the snapshot is an asset", () => {
    const map = mapFixture("openlineage_build_jsonlog");
    const snapshot = asset(map, "snapshot.jaffle_shop.orders_snapshot");
    assert.equal(snapshot.assetKey, "snapshots/orders_snapshot");
    assert.deepEqual(snapshot.kinds, ["dbt", "postgres", "snapshot"]);
    assert.equal(snapshot.materialized, "snapshot");
    assert.equal(snapshot.selector, "jaffle_shop.orders_snapshot.orders_snapshot");
    assert.deepEqual(snapshot.deps, ["public/raw_orders"]);
    assert.equal(map.assets.length, 9);
    assert.equal(map.checks.length, 21);
  });

  it("openlineage test_source (every resource type): the source's test checks the source's upstream asset", () => {
    const map = mapFixture("openlineage_test_source");
    assert.deepEqual(map.sources, [{ uniqueId: "source.jaffle_shop.jaffle_shop.dim_date", sourceName: "jaffle_shop", table: "dim_date", assetKey: "jaffle_shop/dim_date" }]);
    const check = map.checks.find((c) => c.onSource);
    assert.equal(check?.assetKey, "jaffle_shop/dim_date");
    assert.equal(check?.checkName, "source_unique_jaffle_shop_dim_date_id");
    assert.equal(check?.description, "dbt test unique on id");
    assert.equal(map.checks.length, 22);
    assert.equal(map.assets.length, 9);
  });
});

describe("mapProject: keys, groups and owners", () => {
  it("meta.flyt.asset_key (config.meta over meta, the flyt object merged field by field) wins over the options and the default", () => {
    const json = fixtureJson("cosmos_altered_jaffle_shop");
    json.nodes[`${COSMOS}.customers`].meta = { flyt: { asset_key: "atlas/dbt/customers", group: "serving" }, owner: "yaml" };
    json.nodes[`${COSMOS}.customers`].config.meta = { flyt: { owners: "data@atlas.no" }, owner: "config" };
    json.nodes[`${COSMOS}.orders`].config.meta = { flyt: { asset_key: ["atlas", "dbt", "orders"] } };
    const map = mapJson(json, { assetKey: (node) => ["wh", node.schema, node.name], group: "warehouse" });
    const customers = asset(map, `${COSMOS}.customers`);
    assert.equal(customers.assetKey, "atlas/dbt/customers");
    assert.equal(customers.group, "serving");
    assert.deepEqual(customers.owners, ["data@atlas.no"]);
    assert.deepEqual(customers.meta, { owner: "config", flyt: { asset_key: "atlas/dbt/customers", group: "serving", owners: "data@atlas.no" } });
    assert.equal(asset(map, `${COSMOS}.orders`).assetKey, "atlas/dbt/orders");
    const staging = asset(map, `${COSMOS}.stg_orders`);
    assert.equal(staging.assetKey, "wh/public/stg_orders", "the option's function");
    assert.equal(staging.group, "warehouse", "the group option");
    assert.deepEqual(asset(map, `${COSMOS}.ephemeral_customers_downstream`).deps, ["atlas/dbt/customers"], "deps follow the keys");
  });

  it("hands the key function the node's identity", () => {
    const seen: unknown[] = [];
    mapFixture("openlineage_test_source", {
      assetKey: (node) => {
        if (node.name === "orders_snapshot") seen.push(node);
        return [node.schema, node.name];
      },
    });
    assert.deepEqual(seen, [
      {
        uniqueId: "snapshot.jaffle_shop.orders_snapshot",
        resourceType: "snapshot",
        name: "orders_snapshot",
        alias: "orders_snapshot",
        schema: "snapshots",
        database: "postgres",
        packageName: "jaffle_shop",
        fqn: ["jaffle_shop", "orders_snapshot", "orders_snapshot"],
        meta: {},
        version: null,
      },
    ]);
  });

  it("keys a versioned model [schema, alias] (derived: a v2 of customers)", () => {
    const json = fixtureJson("cosmos_altered_jaffle_shop");
    const v2 = structuredClone(json.nodes[`${COSMOS}.customers`]);
    Object.assign(v2, { unique_id: `${COSMOS}.customers.v2`, version: 2, latest_version: 1, alias: "customers_v2", fqn: ["altered_jaffle_shop", "customers", "v2"], original_file_path: "models/customers_v2.sql" });
    json.nodes[v2.unique_id] = v2;
    const map = mapJson(json);
    assert.equal(asset(map, `${COSMOS}.customers.v2`).assetKey, "public/customers_v2");
    assert.equal(asset(map, `${COSMOS}.customers.v2`).selector, "altered_jaffle_shop.customers.v2");
  });

  it("keys sources by meta.flyt.asset_key (the table's over the source's), the option, or [source_name, table]", () => {
    const json = fixtureJson("cosmos_altered_jaffle_shop");
    const source = (table: string) => json.sources[`source.altered_jaffle_shop.postgres_db.${table}`];
    source("raw_customers").meta = { flyt: { asset_key: "atlas/ingest/customers" } };
    source("raw_orders").source_meta = { flyt: { asset_key: ["atlas", "ingest", "orders"] } };
    const map = mapJson(json, { sourceAssetKey: (s) => ["lake", s.sourceName, s.table] });
    assert.deepEqual(
      Object.fromEntries(map.sources.map((s) => [s.table, s.assetKey])),
      { not_connected_source: "lake/postgres_db/not_connected_source", raw_customers: "atlas/ingest/customers", raw_orders: "atlas/ingest/orders", raw_payments: "lake/postgres_db/raw_payments" },
    );
    assert.deepEqual(asset(map, `${COSMOS}.stg_customers`).sourceDeps, ["atlas/ingest/customers"]);
    assert.equal(map.checks.find((c) => c.checkName === "source_unique_postgres_db_raw_customers_id")?.assetKey, "atlas/ingest/customers");
  });

  it("takes group and owners from the dbt group: e-mails, else team:<name> (derived: two groups)", () => {
    const json = fixtureJson("cosmos_altered_jaffle_shop");
    json.groups = {
      "group.altered_jaffle_shop.finance": { unique_id: "group.altered_jaffle_shop.finance", name: "finance", package_name: "altered_jaffle_shop", owner: { email: ["cfo@atlas.no", "fin@atlas.no"], name: "Finance" } },
      "group.altered_jaffle_shop.marketing": { unique_id: "group.altered_jaffle_shop.marketing", name: "marketing", package_name: "altered_jaffle_shop", owner: { email: null, name: "Marketing" } },
    };
    json.nodes[`${COSMOS}.orders`].config.group = "finance";
    json.nodes[`${COSMOS}.customers`].group = "marketing";
    json.nodes[`${COSMOS}.customers`].config.group = "marketing";
    const map = mapJson(json, { group: "ignored_for_grouped_nodes" });
    assert.equal(asset(map, `${COSMOS}.orders`).group, "finance");
    assert.deepEqual(asset(map, `${COSMOS}.orders`).owners, ["cfo@atlas.no", "fin@atlas.no"]);
    assert.equal(asset(map, `${COSMOS}.customers`).group, "marketing");
    assert.deepEqual(asset(map, `${COSMOS}.customers`).owners, ["team:Marketing"]);
    assert.equal(asset(map, `${COSMOS}.stg_orders`).group, "ignored_for_grouped_nodes");
  });

  it("turns dbt tags into dbt_tag/<tag> keys Flyt accepts", () => {
    const json = fixtureJson("cosmos_altered_jaffle_shop");
    json.nodes[`${COSMOS}.orders`].tags = ["nightly", "pii data!"];
    assert.deepEqual(asset(mapJson(json), `${COSMOS}.orders`).tags, { "dbt_tag/nightly": "", "dbt_tag/pii_data_": "" });
  });

  it("refuses bad keys, colliding keys and malformed meta.flyt, all at once, naming each node and its file", () => {
    const json = fixtureJson("cosmos_altered_jaffle_shop");
    json.nodes[`${COSMOS}.orders`].schema = "my schema";
    json.nodes[`${COSMOS}.stg_orders`].meta = { flyt: { asset_key: "public/customers" } };
    json.nodes[`${COSMOS}.stg_payments`].meta = { flyt: { asset_key: 5, owners: [1] } };
    json.exposures["exposure.altered_jaffle_shop.weekly_metrics"].meta = { flyt: { asset_key: "public/stg_customers" } };
    json.nodes["seed.altered_jaffle_shop.raw_orders"].meta = { flyt: { group: ["a"] } };
    const error = mappingError(() => mapJson(json, { exposures: true }));
    assert.equal(error.manifestFile, "target/manifest.json");
    const byNode: Record<string, string> = {};
    for (const problem of error.problems) byNode[problem.subject] = `${byNode[problem.subject] ?? ""}${problem.message}\n`;
    assert.match(byNode[`dbt ${COSMOS}.orders (models/orders.sql)`] ?? "", /^the default \[schema, name\] gives an invalid key: Invalid asset key "my schema\/orders": segment "my schema" may only contain .*\(set meta\.flyt\.asset_key on it, or pass assetKey\)\n$/);
    assert.match(error.message, /asset key "public\/customers" is also the key of dbt model\.altered_jaffle_shop\.(customers|stg_orders) \(models\/(staging\/stg_orders|customers)\.sql\)/);
    assert.match(byNode[`dbt ${COSMOS}.stg_payments (models/staging/stg_payments.sql)`] ?? "", /meta\.flyt\.asset_key must be a key like "a\/b" or \["a", "b"\], not 5/);
    assert.match(error.message, /meta\.flyt\.owners must be a string or a list of strings, not \[1\]/);
    assert.match(error.message, /meta\.flyt\.group must be a string, not \["a"\]/);
    assert.match(byNode["dbt exposure.altered_jaffle_shop.weekly_metrics (models/exposures.yml)"] ?? "", /asset key "public\/stg_customers" is also the key of model\.altered_jaffle_shop\.stg_customers/);
    assert.equal(error.problems.length, 6);
  });

  it("reports a key function that throws, and a dependency the manifest lacks", () => {
    const json = fixtureJson("cosmos_altered_jaffle_shop");
    json.nodes[`${COSMOS}.orders`].depends_on.nodes.push(`${COSMOS}.ghost`);
    const error = mappingError(() =>
      mapJson(json, {
        sourceAssetKey: (s) => {
          if (s.table === "raw_orders") throw new Error("no such table in Atlas");
          return [s.sourceName, s.table];
        },
      }),
    );
    assert.match(error.message, /dbt source\.altered_jaffle_shop\.postgres_db\.raw_orders \(models\/staging\/sources\.yml\): the sourceAssetKey option threw: no such table in Atlas/);
    assert.match(error.message, /dbt model\.altered_jaffle_shop\.orders \(models\/orders\.sql\): depends on model\.altered_jaffle_shop\.ghost, which the manifest does not hold/);
  });

  it("leaves disabled nodes out", () => {
    const json = fixtureJson("cosmos_altered_jaffle_shop");
    json.nodes["seed.altered_jaffle_shop.raw_payments"].config.enabled = false;
    json.nodes[`${COSMOS}.stg_payments`].depends_on.nodes = ["source.altered_jaffle_shop.postgres_db.raw_payments"];
    json.nodes["test.altered_jaffle_shop.unique_stg_payments_payment_id.3744510712"].config.enabled = false;
    const map = mapJson(json);
    assert.equal(map.byUniqueId.has("seed.altered_jaffle_shop.raw_payments"), false);
    assert.equal(map.byUniqueId.has("test.altered_jaffle_shop.unique_stg_payments_payment_id.3744510712"), false);
    assert.equal(map.assets.length, 8);
  });
});

describe("mapProject: checks", () => {
  it("takes severity from config.severity in any case; warn is not blocking; anything else is refused", () => {
    const json = fixtureJson("cosmos_altered_jaffle_shop");
    json.nodes["test.altered_jaffle_shop.unique_orders_order_id.fed79b3a6e"].config.severity = "WARN";
    delete json.nodes["test.altered_jaffle_shop.not_null_orders_order_id.cf6c17daed"].config.severity;
    const map = mapJson(json);
    const warn = map.checks.find((c) => c.checkName === "unique_orders_order_id");
    assert.equal(warn?.severity, "warn");
    assert.equal(warn?.blocking, false);
    assert.equal(map.checks.find((c) => c.checkName === "not_null_orders_order_id")?.severity, "error", "dbt's default");
    json.nodes["test.altered_jaffle_shop.unique_orders_order_id.fed79b3a6e"].config.severity = "fatal";
    assert.match(mappingError(() => mapJson(json)).message, /test\.altered_jaffle_shop\.unique_orders_order_id\.fed79b3a6e \(models\/schema\.yml\): config\.severity must be "warn" or "error", not "fatal"/);
  });

  it("gives tests sharing a name on one asset distinct names: the project's keeps it, a package's gets __<package>, equal ones the id's hash", () => {
    const json = fixtureJson("cosmos_altered_jaffle_shop");
    const original = json.nodes["test.altered_jaffle_shop.not_null_customers_customer_id.5c9bf9911d"];
    const fromPackage = { ...structuredClone(original), unique_id: "test.audit_pkg.not_null_customers_customer_id.aaaaaaaaaa", package_name: "audit_pkg", fqn: ["audit_pkg", "not_null_customers_customer_id"] };
    const twiceInPackage = { ...structuredClone(fromPackage), unique_id: "test.audit_pkg.not_null_customers_customer_id.bbbbbbbbbb" };
    json.nodes[fromPackage.unique_id] = fromPackage;
    json.nodes[twiceInPackage.unique_id] = twiceInPackage;
    const names = () =>
      Object.fromEntries(
        mapJson(json)
          .checks.filter((c) => c.uniqueId.includes("not_null_customers_customer_id"))
          .map((c) => [c.uniqueId, c.checkName]),
      );
    const expected = {
      "test.altered_jaffle_shop.not_null_customers_customer_id.5c9bf9911d": "not_null_customers_customer_id",
      "test.audit_pkg.not_null_customers_customer_id.aaaaaaaaaa": "not_null_customers_customer_id__audit_pkg__aaaaaaaaaa",
      "test.audit_pkg.not_null_customers_customer_id.bbbbbbbbbb": "not_null_customers_customer_id__audit_pkg__bbbbbbbbbb",
    };
    assert.deepEqual(names(), expected);
    // Deterministic: the manifest's order does not matter.
    json.nodes = Object.fromEntries(Object.entries(json.nodes).reverse());
    assert.deepEqual(names(), expected);
  });

  it("makes a long or oddly named test a valid check name", () => {
    const json = fixtureJson("cosmos_altered_jaffle_shop");
    const test = json.nodes["test.altered_jaffle_shop.unique_orders_order_id.fed79b3a6e"];
    test.name = `accepted_values_${"x".repeat(300)}`;
    const singular = { ...structuredClone(test), unique_id: "test.altered_jaffle_shop.my test", name: "my test", test_metadata: undefined, attached_node: undefined, original_file_path: "tests/my test.sql" };
    json.nodes[singular.unique_id] = singular;
    const checks = mapJson(json).checks.filter((c) => c.assetKey === "public/orders");
    const long = checks.find((c) => c.checkName.startsWith("accepted_values_xxx"));
    assert.equal(long?.checkName.length, 200);
    assert.match(long?.checkName ?? "", /_[0-9a-f]{10}$/);
    const odd = checks.find((c) => c.uniqueId === "test.altered_jaffle_shop.my test");
    assert.equal(odd?.checkName, "my_test");
    assert.equal(odd?.description, "dbt singular test tests/my test.sql", "the only parent of a singular test is its asset");
  });

  it("skips a test with several parents and no attached node; attaches a generic test declared on a source to that source", () => {
    const json = fixtureJson("cosmos_altered_jaffle_shop");
    const base = json.nodes["test.altered_jaffle_shop.unique_orders_order_id.fed79b3a6e"];
    json.nodes["test.altered_jaffle_shop.orders_match_customers"] = {
      ...structuredClone(base),
      unique_id: "test.altered_jaffle_shop.orders_match_customers",
      name: "orders_match_customers",
      attached_node: null,
      test_metadata: null,
      depends_on: { macros: [], nodes: [`${COSMOS}.orders`, `${COSMOS}.customers`] },
    };
    json.nodes["test.altered_jaffle_shop.source_relationships_raw_orders_user_id.0123456789"] = {
      ...structuredClone(base),
      unique_id: "test.altered_jaffle_shop.source_relationships_raw_orders_user_id.0123456789",
      name: "source_relationships_raw_orders_user_id",
      attached_node: null,
      test_metadata: { name: "relationships", namespace: null, kwargs: { column_name: "user_id", to: "ref('customers')", field: "customer_id", model: "{{ get_where_subquery(source('postgres_db', 'raw_orders')) }}" } },
      depends_on: { macros: [], nodes: [`${COSMOS}.customers`, "source.altered_jaffle_shop.postgres_db.raw_orders"] },
    };
    const map = mapJson(json);
    assert.equal(map.byUniqueId.has("test.altered_jaffle_shop.orders_match_customers"), false);
    const onSource = map.byUniqueId.get("test.altered_jaffle_shop.source_relationships_raw_orders_user_id.0123456789");
    assert.deepEqual([onSource?.assetKey, "onSource" in (onSource ?? {}) && (onSource as { onSource: boolean }).onSource], ["postgres_db/raw_orders", true]);
  });
});

describe("mapProject: select and exclude", () => {
  it("builds only the selected assets; their deps on the others stay; only their tests and their selected sources' tests are checks", () => {
    const map = mapFixture("cosmos_altered_jaffle_shop", { select: "orders" });
    assert.deepEqual(map.assets.map((a) => a.uniqueId), [`${COSMOS}.orders`]);
    assert.deepEqual(map.assets[0]?.deps, ["public/stg_orders", "public/stg_payments"]);
    assert.equal(map.checks.length, 10);
    assert.ok(map.checks.every((c) => c.assetKey === "public/orders"));
    assert.equal(map.sources.length, 4, "every source is listed, selected or not");

    const upstream = mapFixture("cosmos_altered_jaffle_shop", { select: "+stg_orders", exclude: "resource_type:seed" });
    assert.deepEqual(upstream.assets.map((a) => a.uniqueId), [`${COSMOS}.stg_orders`]);
    assert.deepEqual(
      upstream.checks.map((c) => c.checkName).sort(),
      ["accepted_values_stg_orders_status__placed__shipped__completed__return_pending__returned", "not_null_stg_orders_order_id", "source_not_null_postgres_db_raw_orders_id", "source_unique_postgres_db_raw_orders_id", "unique_stg_orders_order_id"],
    );
  });

  it("refuses a selection that leaves nothing to build, or one Flyt cannot evaluate", () => {
    assert.throws(() => mapFixture("cosmos_altered_jaffle_shop", { select: "tag:nope" }), (error: unknown) => error instanceof DbtSelectionError && /select "tag:nope" leaves no model, seed or snapshot of .*cosmos_altered_jaffle_shop\.json to build/.test(error.message));
    assert.throws(() => mapFixture("cosmos_altered_jaffle_shop", { select: "state:modified+" }), DbtSelectionError);
  });
});

describe("mapProject: selectors stay exact when an fqn is a prefix of another", () => {
  it("narrows by resource type, then by an exact-length fqn pattern (derived: a folder named like a model)", () => {
    const json = fixtureJson("cosmos_altered_jaffle_shop");
    const model = json.nodes[`${COSMOS}.customers`];
    // models/customers/inner.sql beside models/customers.sql: dbt's `altered_jaffle_shop.customers` matches both.
    json.nodes[`${COSMOS}.inner`] = { ...structuredClone(model), unique_id: `${COSMOS}.inner`, name: "inner", alias: "inner", fqn: ["altered_jaffle_shop", "customers", "inner"], original_file_path: "models/customers/inner.sql" };
    // tests/orders/check.sql: a singular test under a folder named like the orders model.
    const test = json.nodes["test.altered_jaffle_shop.unique_orders_order_id.fed79b3a6e"];
    json.nodes["test.altered_jaffle_shop.check"] = { ...structuredClone(test), unique_id: "test.altered_jaffle_shop.check", name: "check", fqn: ["altered_jaffle_shop", "orders", "check"], original_file_path: "tests/orders/check.sql", test_metadata: null };
    const map = mapJson(json);
    assert.equal(asset(map, `${COSMOS}.customers`).selector, "fqn:altered_jaffle_shop.customer[s],resource_type:model,package:altered_jaffle_shop");
    assert.equal(asset(map, `${COSMOS}.inner`).selector, "altered_jaffle_shop.customers.inner");
    assert.equal(asset(map, `${COSMOS}.orders`).selector, "fqn:altered_jaffle_shop.orders,resource_type:model");
    assert.equal(asset(map, `${COSMOS}.stg_orders`).selector, "altered_jaffle_shop.staging.stg_orders");
  });
});

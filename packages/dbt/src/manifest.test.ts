/**
 * Reading manifests: every committed fixture (v12, dbt 1.8–1.11, one without `macros`, one with
 * keys sorted so `metadata` comes late) loads, the streaming reader gives exactly what validating
 * the parsed JSON gives whatever its window size, and bad inputs fail with errors naming the file,
 * the JSON path and, for versions, the range Flyt reads. Variations are derived in memory from the
 * fixtures (test-fixtures/manifests/README.md).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { FlytError } from "@flyt/core";
import { fixtureJson, fixturePath, type FixtureName } from "./test-fixtures/manifests/fixtures.js";
import { DbtManifestError, DbtManifestVersionError, SUPPORTED_MANIFEST_VERSIONS, parseManifest, readManifest, type DbtManifest } from "./manifest.js";

const FIXTURES = {
  cosmos_altered_jaffle_shop: { dbt: "1.11.2", adapter: "postgres", project: "altered_jaffle_shop", types: { model: 7, seed: 3, test: 26 }, sources: 4, exposures: 1 },
  jaffle_shop_dbt19_build: { dbt: "1.9.0", adapter: "bigquery", project: "jaffle_shop", types: { model: 36, seed: 3, operation: 2, test: 20 }, sources: 0, exposures: 0 },
  openlineage_build_jsonlog: { dbt: "1.8.2", adapter: "postgres", project: "jaffle_shop", types: { model: 5, seed: 3, snapshot: 1, test: 21 }, sources: 0, exposures: 0 },
  openlineage_test_source: { dbt: "1.8.2", adapter: "postgres", project: "jaffle_shop", types: { model: 5, seed: 3, snapshot: 1, test: 22 }, sources: 1, exposures: 0 },
} as const;

function countTypes(manifest: DbtManifest): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const node of manifest.nodes.values()) counts[node.resource_type] = (counts[node.resource_type] ?? 0) + 1;
  return counts;
}

/** Asserts `fn` throws a DbtManifestError and returns it. */
function manifestError(fn: () => unknown): DbtManifestError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof DbtManifestError, `expected a DbtManifestError, got ${String(error)}`);
    assert.ok(error instanceof FlytError);
    return error;
  }
  assert.fail("expected a DbtManifestError");
}

describe("readManifest: the committed fixtures", () => {
  for (const [name, expected] of Object.entries(FIXTURES) as [FixtureName, (typeof FIXTURES)[FixtureName]][]) {
    it(`${name} loads (dbt ${expected.dbt})`, () => {
      const manifest = readManifest(fixturePath(name));
      assert.equal(manifest.schemaVersion, 12);
      assert.equal(manifest.metadata.dbt_version, expected.dbt);
      assert.equal(manifest.metadata.adapter_type, expected.adapter);
      assert.equal(manifest.metadata.project_name, expected.project);
      assert.deepEqual(countTypes(manifest), expected.types);
      assert.equal(manifest.sources.size, expected.sources);
      assert.equal(manifest.exposures.size, expected.exposures);
      assert.equal(manifest.file, fixturePath(name));
    });

    it(`${name}: streaming in any window size gives what validating the parsed JSON gives`, () => {
      const whole = parseManifest(fixtureJson(name), "m.json");
      const bytes = parseManifest(readFileSync(fixturePath(name)), "m.json");
      assert.deepEqual(bytes, whole);
      for (const windowBytes of [16, 4096]) {
        const streamed = readManifest(fixturePath(name), { windowBytes });
        assert.deepEqual({ ...streamed, file: "m.json" }, whole, `window of ${windowBytes} bytes`);
      }
    });
  }

  it("loads the manifest whose macros were removed (a strict schema refuses it)", () => {
    assert.equal("macros" in fixtureJson("openlineage_build_jsonlog"), false);
    assert.equal(readManifest(fixturePath("openlineage_build_jsonlog")).nodes.size, 30);
  });

  it("keeps only the fields it reads, in one shape: SQL dropped, config's plain values kept for config.<key>:", () => {
    const manifest = readManifest(fixturePath("cosmos_altered_jaffle_shop"));
    const customers = manifest.nodes.get("model.altered_jaffle_shop.customers")!;
    assert.equal("raw_code" in customers, false);
    assert.deepEqual(customers.fqn, ["altered_jaffle_shop", "customers"]);
    assert.deepEqual(customers.depends_on, ["model.altered_jaffle_shop.stg_customers", "model.altered_jaffle_shop.stg_orders", "model.altered_jaffle_shop.stg_payments"]);
    assert.equal(customers.checksum, "9f2eb13e3f280ace0666a0e18bbf66245f1c189e1362d6f3b9e276d0b3133749");
    assert.equal(customers.config.materialized, "table");
    assert.equal(customers.config.on_schema_change, "ignore", "plain config values are kept");
    assert.equal("contract" in customers.config, false, "nested config objects are not");
    assert.deepEqual(customers.columns[0], { name: "customer_id", type: null, description: "This is a unique identifier for a customer" });
    const test = manifest.nodes.get("test.altered_jaffle_shop.not_null_customers_customer_id.5c9bf9911d")!;
    assert.equal(test.attached_node, "model.altered_jaffle_shop.customers");
    assert.deepEqual(test.test_metadata, { name: "not_null", namespace: null, column_name: "customer_id", model: "{{ get_where_subquery(ref('customers')) }}" });
    assert.equal(test.schema, null, "tests keep only what checks need");
  });

  it("lists disabled nodes and passes unknown keys and sections (derived from cosmos)", () => {
    const json = fixtureJson("cosmos_altered_jaffle_shop");
    json.disabled = { "model.altered_jaffle_shop.old": [{ unique_id: "model.altered_jaffle_shop.old" }] };
    json.brand_new_section = { anything: [1, 2, 3] };
    json.nodes["model.altered_jaffle_shop.orders"].brand_new_field = { nested: true };
    for (const manifest of [parseManifest(json, "m.json"), parseManifest(Buffer.from(JSON.stringify(json)), "m.json")]) {
      assert.deepEqual(manifest.disabled, ["model.altered_jaffle_shop.old"]);
      assert.equal(manifest.nodes.has("model.altered_jaffle_shop.orders"), true);
    }
  });
});

describe("readManifest: refused inputs", () => {
  /** A fixture with a different schema version, as bytes (the streaming path) and as a value. */
  function withVersion(version: number, dbtVersion: string | null): Record<string, any> {
    const json = fixtureJson("openlineage_test_source");
    json.metadata.dbt_schema_version = `https://schemas.getdbt.com/dbt/manifest/v${version}.json`;
    if (dbtVersion === null) delete json.metadata.dbt_version;
    else json.metadata.dbt_version = dbtVersion;
    return json;
  }

  it("refuses v9 and older, naming the file, the version and the supported range", () => {
    const json = withVersion(9, "1.5.4");
    // A node of the wrong shape is not even looked at: the version is checked first.
    json.nodes["model.jaffle_shop.customers"].fqn = 7;
    for (const input of [json, Buffer.from(JSON.stringify(json))]) {
      const error = manifestError(() => parseManifest(input, "target/manifest.json"));
      assert.ok(error instanceof DbtManifestVersionError);
      assert.equal(error.version, 9);
      assert.equal(error.dbtVersion, "1.5.4");
      assert.equal(error.file, "target/manifest.json");
      assert.equal(error.jsonPath, "metadata.dbt_schema_version");
      assert.match(error.message, /^dbt manifest target\/manifest\.json at metadata\.dbt_schema_version: manifest schema v9 \(written by dbt 1\.5\.4\) is not supported: Flyt reads manifest v10–v12 \(dbt 1\.6–1\.11\)/);
      assert.match(error.message, /Upgrade dbt/);
    }
    assert.match(manifestError(() => parseManifest(withVersion(4, null), "m.json")).message, /manifest schema v4 is not supported/);
  });

  it("refuses v13 and newer with what to do", () => {
    const error = manifestError(() => parseManifest(withVersion(13, "1.12.0"), "m.json"));
    assert.ok(error instanceof DbtManifestVersionError);
    assert.match(error.message, /v13 \(written by dbt 1\.12\.0\) is not supported: Flyt reads manifest v10–v12.*dbt-core <1\.12/);
    assert.deepEqual(SUPPORTED_MANIFEST_VERSIONS, { min: 10, max: 12 });
  });

  it("reads v10 and v11 (dbt 1.6, 1.7)", () => {
    for (const version of [10, 11]) assert.equal(parseManifest(withVersion(version, null), "m.json").schemaVersion, version);
  });

  it("refuses what is not a manifest", () => {
    const noMetadata = fixtureJson("openlineage_test_source");
    delete noMetadata.metadata;
    for (const input of [noMetadata, Buffer.from(JSON.stringify(noMetadata)), Buffer.from("{}")]) {
      const error = manifestError(() => parseManifest(input, "m.json"));
      assert.equal(error.jsonPath, "metadata");
      assert.match(error.message, /metadata: missing: this is not a dbt manifest/);
    }
    assert.match(manifestError(() => parseManifest(Buffer.from("[1, 2]"), "m.json")).message, /^dbt manifest m\.json: is not a JSON object/);
    assert.match(manifestError(() => parseManifest([1, 2], "m.json")).message, /is an array, not a JSON object/);
    const runResults = { metadata: { dbt_schema_version: "https://schemas.getdbt.com/dbt/run-results/v6.json" }, results: [] };
    assert.match(manifestError(() => parseManifest(runResults, "r.json")).message, /is "https:\/\/schemas\.getdbt\.com\/dbt\/run-results\/v6\.json", not a manifest schema/);
  });

  it("names the JSON path of a field of the wrong shape", () => {
    const json = fixtureJson("cosmos_altered_jaffle_shop");
    json.nodes["model.altered_jaffle_shop.orders"].fqn = ["altered_jaffle_shop", 3];
    for (const input of [json, Buffer.from(JSON.stringify(json))]) {
      const error = manifestError(() => parseManifest(input, "m.json"));
      assert.equal(error.jsonPath, 'nodes["model.altered_jaffle_shop.orders"].fqn[1]');
      assert.equal(error.message, 'dbt manifest m.json at nodes["model.altered_jaffle_shop.orders"].fqn[1]: expected string, received number');
    }
    delete json.nodes["model.altered_jaffle_shop.orders"].name;
    json.nodes["model.altered_jaffle_shop.orders"].config.severity = 5;
    const several = manifestError(() => parseManifest(json, "m.json"));
    assert.match(several.message, /at nodes\["model\.altered_jaffle_shop\.orders"\]: name: is required \(string\); fqn\[1\]: expected string, received number; config\.severity: expected string, received number$/);

    const renamed = fixtureJson("cosmos_altered_jaffle_shop");
    renamed.sources["source.altered_jaffle_shop.postgres_db.raw_orders"].unique_id = "source.x.y.z";
    assert.match(manifestError(() => parseManifest(renamed, "m.json")).message, /sources\["source\.altered_jaffle_shop\.postgres_db\.raw_orders"\]\.unique_id: is "source\.x\.y\.z", not the entry's key/);

    const listed = fixtureJson("cosmos_altered_jaffle_shop");
    listed.exposures = [];
    for (const input of [listed, Buffer.from(JSON.stringify(listed))]) {
      assert.match(manifestError(() => parseManifest(input, "m.json")).message, /at exposures: is an array, not an object keyed by unique id/);
    }
  });

  it("refuses broken JSON, a truncated file and a missing file with the file named", () => {
    const bytes = readFileSync(fixturePath("openlineage_test_source"));
    const truncated = manifestError(() => parseManifest(bytes.subarray(0, bytes.length - 1000), "m.json"));
    assert.match(truncated.message, /^dbt manifest m\.json at child_map: invalid JSON \(byte \d+\): unexpected end of file \(truncated\?\)$/);
    const cutInNodes = manifestError(() => parseManifest(bytes.subarray(0, 20_000), "m.json"));
    assert.match(cutInNodes.message, /^dbt manifest m\.json at nodes: invalid JSON \(byte \d+\): .*truncated/);
    assert.match(manifestError(() => parseManifest("{ not json", "m.json")).message, /^dbt manifest m\.json: not valid JSON/);
    const broken = Buffer.from(bytes.toString("utf8").replace('"alias":"customers",', '"alias":customers,'));
    assert.notDeepEqual(broken, bytes);
    assert.match(manifestError(() => parseManifest(broken, "m.json")).message, /at nodes\["model\.jaffle_shop\.customers"\]: invalid JSON/);
    assert.match(manifestError(() => parseManifest(Buffer.concat([bytes, Buffer.from(" {}")]), "m.json")).message, /unexpected data after the manifest's object/);
    const missing = manifestError(() => readManifest("/nonexistent/target/manifest.json"));
    assert.equal(missing.jsonPath, null);
    assert.match(missing.message, /^dbt manifest \/nonexistent\/target\/manifest\.json: no such file \(run `dbt parse`/);
  });
});

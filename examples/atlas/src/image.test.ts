/**
 * The code-location image, without a Docker engine: the Dockerfile passes hadolint (FLYT_TEST_HADOLINT,
 * else .tools/hadolint from deploy/scripts/install-tools.sh), serves the example's definitions, and
 * the build context (.dockerignore) keeps what a run reads — the definitions, src/, dbt/, pipes/,
 * the fixtures — and leaves out local data and build output.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { exampleDir } from "./sources.js";

const example = exampleDir();
const dockerfile = join(example, "Dockerfile");

function hadolint(): string {
  const path = process.env["FLYT_TEST_HADOLINT"] || resolve(example, "..", "..", ".tools", "hadolint", "bin", "hadolint");
  assert.ok(existsSync(path), `hadolint not found at ${path}: run \`bash deploy/scripts/install-tools.sh\` (scripts/test.sh does)`);
  return path;
}

/** Whether a .dockerignore pattern list excludes a top-level path (the patterns this file uses: names and globs of one segment). */
function excluded(patterns: string[], path: string): boolean {
  return patterns.some((p) => {
    const regex = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*\*\//g, "(?:.*/)?").replace(/\*/g, "[^/]*")}(?:/.*)?$`);
    return regex.test(path);
  });
}

void describe("the Atlas code-location image", () => {
  void it("passes hadolint", () => {
    const result = spawnSync(hadolint(), ["--no-color", dockerfile], { encoding: "utf8" });
    assert.equal(result.status, 0, `hadolint ${dockerfile}:\n${result.stdout}${result.stderr}`);
  });

  void it("serves the example's definitions with flyt code-server, dbt from its virtualenv, as a non-root user", () => {
    const text = readFileSync(dockerfile, "utf8");
    assert.match(text, /^CMD \["code-server", "-f", "\/app\/definitions\.ts", "--host", "0\.0\.0\.0", "--port", "4000", "--name", "atlas"\]$/m);
    assert.match(text, /^ENTRYPOINT \["\/app\/node_modules\/\.bin\/flyt"\]$/m);
    assert.match(text, /FLYT_DBT_EXECUTABLE=\/opt\/dbt\/bin\/dbt/);
    assert.match(text, /^USER 1000:1000$/m);
    assert.ok(existsSync(join(example, "definitions.ts")));
  });

  void it("sends what the runs read and leaves out data and build output", () => {
    const patterns = readFileSync(join(example, ".dockerignore"), "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"));
    for (const kept of ["definitions.ts", "package.json", "tsconfig.json", "src/pipeline.ts", "src/brreg.ts", "dbt/dbt_project.yml", "dbt/manifest.json", "pipes/ssb_dimensions.py", "fixtures/brreg/brreg_enhet_923609016.json", "fixtures/ssb_statkal_rss_synthetic.xml"]) {
      assert.ok(!excluded(patterns, kept), `${kept} is in the build context`);
      assert.ok(existsSync(join(example, kept)), `${kept} exists`);
    }
    for (const left of ["data/atlas.sqlite", "dist/definitions.js", "node_modules/x", "dbt/target/manifest.json", ".test-work/x", "src/brreg.test.ts"]) {
      assert.ok(excluded(patterns, left), `${left} stays out of the build context`);
    }
  });
});

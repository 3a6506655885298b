/**
 * The files `flyt init` writes: a code-location application as its own repository would hold it
 * (docs/applications.md). Plain strings built from the application's names and this CLI's
 * version, so the scaffold ships inside the compiled CLI and needs no template files on disk.
 */

/** What a scaffold is built from; validated by `flyt init` before any of this runs. */
export interface ScaffoldNames {
  /** The npm package name, possibly scoped: `@atlas/weather-ingest`. */
  packageName: string;
  /** The package name without its scope: the code-location name, the asset key prefix and the group. */
  slug: string;
  /** The Flyt packages' version the application depends on: this CLI's own. */
  flytVersion: string;
}

/**
 * Third-party tools the application builds its tests with, at the ranges this repository builds
 * with (the root package.json; a test keeps them equal).
 */
export const SCAFFOLD_TOOL_VERSIONS = { typescript: "~5.9.3", "@types/node": "^20.19.0" } as const;

/** The asset the scaffold declares, its check and its schedule (the generated test names them too). */
export function scaffoldKeys(slug: string): { asset: string; check: string; schedule: string } {
  return { asset: `${slug}/numbers`, check: "not_empty", schedule: `${slug}_daily` };
}

/** Relative path → content, in the order they are written. */
export function scaffoldFiles(names: ScaffoldNames): Map<string, string> {
  const { packageName, slug, flytVersion } = names;
  const keys = scaffoldKeys(slug);
  // A Kubernetes Service / DNS name for the examples: lowercase letters, digits and '-'.
  const dnsName = slug.replace(/[^a-z0-9-]/g, "-");
  const files = new Map<string, string>();

  files.set(
    "package.json",
    `${JSON.stringify(
      {
        name: packageName,
        version: "0.1.0",
        private: true,
        type: "module",
        description: `Flyt code location ${slug}: its assets, checks and schedules`,
        engines: { node: ">=20.19" },
        scripts: {
          dev: "flyt dev -f definitions.ts",
          materialize: "flyt materialize -f definitions.ts",
          typecheck: "tsc -p . --noEmit",
          test: "tsc -p . && node --test dist/",
        },
        // Runtime: the image runs `flyt code-server` (the CLI) on definitions that import the SDK.
        dependencies: { "@flyt/cli": flytVersion, "@flyt/sdk": flytVersion },
        // The test materializes in process with the run worker into a SQLite storage, as `flyt materialize` does.
        devDependencies: {
          "@flyt/run-worker": flytVersion,
          "@flyt/storage": flytVersion,
          "@types/node": SCAFFOLD_TOOL_VERSIONS["@types/node"],
          typescript: SCAFFOLD_TOOL_VERSIONS.typescript,
        },
        // npm ≥ 11 asks which dependencies may run install scripts: SQLite's native addon and esbuild's binary.
        allowScripts: { "better-sqlite3": true, esbuild: true },
      },
      null,
      2,
    )}\n`,
  );

  files.set(
    "tsconfig.json",
    `${JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2023"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: true,
          sourceMap: true,
          types: ["node"],
          rootDir: ".",
          outDir: "dist",
        },
        // The definitions at the root (the code location is named after this folder, as in
        // `flyt dev`), the application's modules under src/, the tests under test/.
        include: ["*.ts", "src", "test"],
      },
      null,
      2,
    )}\n`,
  );

  files.set(
    "definitions.ts",
    `/**
 * The code location ${slug}: its assets, checks and schedules. \`flyt code-server\` serves it to the
 * Flyt platform (from this repository's image); \`flyt dev\` runs it locally with the UI. The
 * TypeScript is loaded as it is: no build step is needed to serve it.
 */
import { asset, check, defineDefinitions, schedule } from "@flyt/sdk";

/**
 * A first table. Replace the compute with the application's own ingest (a fetch, a query, a file);
 * what it returns is recorded as the materialization's metadata.
 */
export const numbers = asset({
  key: ${JSON.stringify(keys.asset)},
  group: ${JSON.stringify(slug)},
  description: "The first ten square numbers: a stand-in for the application's first table.",
  kinds: ["typescript"],
  codeVersion: "1",
  compute: ({ log }) => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ n: i + 1, square: (i + 1) ** 2 }));
    log.info(\`computed \${rows.length} rows\`);
    return { rows: rows.length, largest: rows[rows.length - 1]?.square ?? 0 };
  },
});

/** Runs after every materialization of the table, in the same step; a failure blocks what depends on it. */
export const numbersNotEmpty = check({
  asset: ${JSON.stringify(keys.asset)},
  name: ${JSON.stringify(keys.check)},
  blocking: true,
  description: "The table has at least one row.",
  evaluate: ({ materializationMetadata }) => {
    // Metadata arrives normalized: { rows: { type: "int", value: 10 } }.
    const rows = (materializationMetadata["rows"] as { value?: unknown } | undefined)?.value;
    return { passed: typeof rows === "number" && rows > 0, metadata: { rows: typeof rows === "number" ? rows : 0 } };
  },
});

/** Every morning at 06:00 UTC once started (in the UI's Schedules, or \`flyt schedules start\`). */
export const daily = schedule({
  name: ${JSON.stringify(keys.schedule)},
  cron: "0 6 * * *",
  timezone: "UTC",
  target: ${JSON.stringify(keys.asset)},
});

export default defineDefinitions({ assets: [numbers], checks: [numbersNotEmpty], schedules: [daily] });
`,
  );

  files.set(
    "test/definitions.test.ts",
    `/**
 * Materializes the code location in this process, as \`flyt materialize\` does, into a throwaway
 * SQLite storage, and checks what was recorded: the run, the table's metadata and its check.
 */
import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { InProcessLauncher } from "@flyt/run-worker";
import { SqliteStorage } from "@flyt/storage";

// The TypeScript source, loaded as \`flyt code-server\` loads it (this test runs from dist/test/).
const definitionsFile = fileURLToPath(new URL("../../definitions.ts", import.meta.url));
const ASSET = ${JSON.stringify(keys.asset)};

let dir: string;
let storage: SqliteStorage;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), ${JSON.stringify(`${slug}-test-`)}));
  storage = await SqliteStorage.open(join(dir, "flyt.db"));
});

after(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

it(\`materializes \${ASSET} and its check passes\`, async () => {
  const { run } = await storage.createRun({ selection: ASSET, assetKeys: [ASSET] });
  const finished = await new InProcessLauncher().launch({ run, definitionsFile, storage }).done;
  assert.equal(finished.status, "SUCCESS", \`run \${run.runId} ended \${finished.status}\`);

  const [latest] = await storage.getLatestMaterializations([ASSET]);
  assert.deepEqual(latest?.metadata["rows"], { type: "int", value: 10 });
  const checks = await storage.getLatestCheckResults([ASSET]);
  assert.deepEqual(
    checks.map((c) => [c.checkName, c.passed]),
    [[${JSON.stringify(keys.check)}, true]],
  );
});
`,
  );

  files.set(
    "Dockerfile",
    `# The code-location image of ${packageName}: \`flyt code-server\` serving definitions.ts on port
# 4000. The platform lists it in flyt.yaml as a \`url:\` location; run workers start inside this
# container (or as Kubernetes Jobs from this image), so it holds everything the assets need.
# Build: docker build -t registry.example.com/${slug}:0.1.0 .
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# Production dependencies only (the Flyt CLI and SDK); better-sqlite3 fetches its prebuilt addon.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# \`flyt\` on the PATH: the Kubernetes launcher starts run workers as \`flyt run-worker\` from this image.
ENV PATH=/app/node_modules/.bin:$PATH
# Definitions stay TypeScript: the code server bundles them with esbuild when it loads them.
# Everything but what .dockerignore leaves out (dependencies, builds, tests).
COPY . .
# The base image's unprivileged \`node\` user, numeric so Kubernetes can verify runAsNonRoot; it
# needs no write access to /app (the code server caches its bundles under /tmp).
USER 1000:1000
EXPOSE 4000
# Entrypoint \`flyt\` as in Flyt's platform image, so the Helm chart's codeLocations entry (which
# gives only the arguments) runs this image as it is; set its definitionsFile to /app/definitions.ts.
ENTRYPOINT ["flyt"]
CMD ["code-server", "-f", "definitions.ts", "--host", "0.0.0.0", "--port", "4000", "--name", ${JSON.stringify(slug)}]
`,
  );

  files.set(".dockerignore", ["node_modules", "dist", ".flyt", ".git", "test", "**/*.test.ts", ""].join("\n"));
  files.set(".gitignore", ["node_modules/", "dist/", ".flyt/", "*.tsbuildinfo", ""].join("\n"));

  files.set(
    "README.md",
    `# ${packageName}

A [Flyt](https://github.com/flyt-dev/flyt) code location: the assets, checks and schedules in
\`definitions.ts\`, served to the Flyt platform by \`flyt code-server\` from this repository's
image.

## Set up and run

\`\`\`sh
npm install && npm run dev
\`\`\`

It prints \`Flyt dev is up at http://127.0.0.1:3000\`: the webserver, the UI and the daemon with this
code location, storing runs in \`.flyt/flyt.db\`. Open the URL, find \`${keys.asset}\` under
**Lineage** and press **Materialize**; its check \`${keys.check}\` runs after it. Editing
\`definitions.ts\` reloads the location. \`npm run materialize\` materializes everything once
from the command line instead.

## Run the tests

\`\`\`sh
npm test
\`\`\`

Type-checks with \`tsc\` and runs \`test/*.test.ts\` with \`node:test\`: the test materializes the
location in process into a throwaway SQLite file and checks the run, the metadata and the check.

## Files

| file | what |
|---|---|
| \`definitions.ts\` | the asset \`${keys.asset}\`, its check \`${keys.check}\` and the schedule \`${keys.schedule}\` |
| \`test/definitions.test.ts\` | the test above |
| \`Dockerfile\` | the code-location image: \`flyt code-server\` on port 4000 |

## Deploy

Build and push the image: \`docker build -t registry.example.com/${slug}:0.1.0 .\`. With Flyt's Helm
chart, add it to the platform's \`codeLocations\` (the chart runs it with a Service):

\`\`\`yaml
codeLocations:
  - name: ${dnsName}
    image: registry.example.com/${slug}
    tag: "0.1.0"
    definitionsFile: /app/definitions.ts
\`\`\`

Anywhere else, run the image with port 4000 reachable from Flyt's webserver and daemon and list it
in the platform's \`flyt.yaml\` as a \`url:\` location:

\`\`\`yaml
locations:
  - name: ${slug}
    url: http://${dnsName}:4000
\`\`\`

Flyt's docs/applications.md and docs/code-locations.md say more: a run worker starts in this
container for each run (or as a Kubernetes Job from this image), so the image must hold
everything the assets need.
`,
  );

  return files;
}

// Generates the GraphQL types of both ends from one schema (decision 0017):
//   packages/webserver/schema.graphql                       printed from type-defs.ts (built dist)
//   packages/webserver/src/graphql/generated/resolvers.ts   the `Resolvers` type the resolvers are checked against
//   packages/ui/src/generated/*                             typed documents for every graphql(`…`) in the UI
// Offline by construction: the schema is the committed file, the documents are the UI's sources.
// Usage: node scripts/generate-graphql.mjs          (after `npx tsc -b`; writes the files)
//        node scripts/generate-graphql.mjs --check  (exit 1 when a committed file is stale)
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { generate } from "@graphql-codegen/cli";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const schemaFile = join(root, "packages/webserver/schema.graphql");
const check = process.argv.includes("--check");

const HEADER = "// GENERATED — DO NOT EDIT. Produced by scripts/generate-graphql.mjs from packages/webserver/schema.graphql.\n";

const { printFlytSchema } = await import(join(root, "packages/webserver/dist/graphql/schema.js"));
const outputs = [{ filename: schemaFile, content: printFlytSchema() }];

// Types are generated from the schema as printed now, so --check sees drift in either step.
const files = await generate(
  {
    schema: outputs[0].content,
    silent: true,
    generates: {
      [join(root, "packages/webserver/src/graphql/generated/resolvers.ts")]: {
        plugins: ["typescript", "typescript-resolvers"],
        config: {
          useTypeImports: true,
          enumsAsTypes: true,
          // The parents our resolvers receive: storage records and snapshot nodes, not the GraphQL shapes.
          contextType: "../context.js#RequestContext",
          mappers: {
            Asset: "../resolvers/parents.js#AssetNode",
            Run: "../resolvers/parents.js#RunRecord",
            Schedule: "../resolvers/parents.js#ScheduleNode",
            Sensor: "../resolvers/parents.js#SensorNode",
            Tick: "../resolvers/parents.js#TickRecord",
            AssetGraphNode: "../resolvers/parents.js#AssetGraphNodeParent",
            PartitionStatus: "../resolvers/parents.js#PartitionStatusParent",
            PartitionState: "../resolvers/parents.js#PartitionStateParent",
            CodeLocation: "../resolvers/parents.js#CodeLocationParent",
            Backfill: "../resolvers/parents.js#BackfillRecord",
            BackfillAssetProgress: "../resolvers/parents.js#BackfillAssetProgressParent",
            AutomationTick: "../resolvers/parents.js#TickRecord",
            AutomationEvaluation: "../resolvers/parents.js#AutomationEvaluationRecord",
          },
          // Union results are told apart by __typename, so every member must carry it.
          resolversNonOptionalTypename: { unionMember: true },
          scalars: { Float: "number", Int: "number" },
          maybeValue: "T | null",
          inputMaybeValue: "T | null | undefined",
        },
      },
      [join(root, "packages/ui/src/generated/")]: {
        preset: "client",
        documents: [join(root, "packages/ui/src/**/*.tsx"), join(root, "packages/ui/src/**/*.ts"), `!${join(root, "packages/ui/src/generated/**")}`],
        presetConfig: { fragmentMasking: false },
        plugins: [],
        config: {
          documentMode: "string",
          useTypeImports: true,
          enumsAsTypes: true,
          scalars: { Float: "number", Int: "number" },
          maybeValue: "T | null",
          inputMaybeValue: "T | null | undefined",
          avoidOptionals: { field: true, inputValue: false, object: false },
        },
      },
    },
  },
  false,
);
outputs.push(...files.map((f) => ({ filename: f.filename, content: `${HEADER}${f.content.trimEnd()}\n` })));

let stale = 0;
for (const { filename, content } of outputs) {
  const name = relative(root, filename);
  if (check) {
    if (!existsSync(filename) || readFileSync(filename, "utf8") !== content) {
      console.error(`${name} is out of date: run npx tsc -b && node scripts/generate-graphql.mjs`);
      stale += 1;
    }
  } else {
    writeFileSync(filename, content);
    console.log(`wrote ${name}`);
  }
}
if (stale > 0) process.exit(1);
if (check) console.log(`generated GraphQL files are up to date (${outputs.length} files)`);

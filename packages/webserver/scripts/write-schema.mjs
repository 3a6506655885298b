// Writes packages/webserver/schema.graphql from the built schema (run after `npx tsc -b packages/webserver`).
import { writeFileSync } from "node:fs";
import { printFlytSchema } from "../dist/graphql/schema.js";
writeFileSync(new URL("../schema.graphql", import.meta.url), printFlytSchema());
console.log("wrote packages/webserver/schema.graphql");

/**
 * docs/api.md is the GraphQL reference: every root field of the schema the webserver serves must
 * have its row there, so a new query or mutation cannot ship undocumented.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { flytSchema } from "./schema.js";

const API_DOC = new URL("../../../../docs/api.md", import.meta.url);

/** The text under a `## <title>` heading, up to the next `## ` heading. */
function section(markdown: string, title: string): string {
  const start = markdown.search(new RegExp(`^## ${title}\\b`, "m"));
  if (start < 0) return "";
  const rest = markdown.slice(start + 3);
  const end = rest.search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Root fields missing from their section: a field counts as documented when a table row names it (`name` or `name(…)`). */
export function undocumentedRootFields(markdown: string): string[] {
  const schema = flytSchema();
  const roots = [
    { type: schema.getQueryType(), heading: "Queries" },
    { type: schema.getMutationType(), heading: "Mutations" },
    { type: schema.getSubscriptionType(), heading: "Subscriptions" },
  ];
  const missing: string[] = [];
  for (const { type, heading } of roots) {
    if (!type) continue;
    const text = section(markdown, heading);
    for (const field of Object.keys(type.getFields())) {
      const row = new RegExp(`^\\|[^|\\n]*\`${field}[\`(]`, "m");
      if (!row.test(text)) missing.push(`${type.name}.${field} (no row in docs/api.md § ${heading})`);
    }
  }
  return missing;
}

describe("GraphQL reference (docs/api.md)", () => {
  it("has a row for every Query, Mutation and Subscription field", () => {
    assert.deepEqual(undocumentedRootFields(readFileSync(API_DOC, "utf8")), []);
  });

  it("notices a field whose row is gone", () => {
    const doc = readFileSync(API_DOC, "utf8");
    const withoutViewer = doc.replace(/^\| `viewer` .*\n/m, "");
    assert.notEqual(withoutViewer, doc);
    assert.deepEqual(undocumentedRootFields(withoutViewer), ["Query.viewer (no row in docs/api.md § Queries)"]);
    // A mention in prose is not a reference row.
    const cancelInProse = doc.replace(/^\| `cancelRun\(runId\)` .*\n/m, "") + "\nUse `cancelRun(runId)` to stop a run.\n";
    assert.deepEqual(undocumentedRootFields(cancelInProse), ["Mutation.cancelRun (no row in docs/api.md § Mutations)"]);
  });
});

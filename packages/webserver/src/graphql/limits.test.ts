/**
 * The request limits are computed before graphql-js expands anything, in time linear in the
 * document: a fragment bomb (each fragment spreading the next twice) is costed through memoised
 * fragments, so 30 levels (2^30 fields expanded) answer at once; a fragment cycle is refused
 * without recursing; variables feed page sizes.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "graphql";
import { analyzeDocument, DEFAULT_LIMITS, limitErrors } from "./limits.js";
import { flytSchema } from "./schema.js";
import { fragmentBomb } from "./test-fixtures/hostile-queries.js";


void describe("GraphQL request limits", () => {
  void it("costs a 30-level fragment bomb without expanding it", () => {
    const document = parse(fragmentBomb(30));
    const analysis = analyzeDocument(document);
    assert.ok(!(analysis instanceof Error));
    const [figures] = [...analysis.values()];
    // 2^29 spreads of F30, each with two fields.
    assert.equal(figures?.fields, 2 * 2 ** 29);
    const errors = limitErrors(document, {});
    assert.ok(errors.some((e) => /expensive/.test(e.message)));
    assert.ok(errors.some((e) => /fields once its fragments are expanded; the limit is 5000/.test(e.message)));
  });

  void it("saturates instead of overflowing on deeper bombs", () => {
    const errors = limitErrors(parse(fragmentBomb(80)), {});
    assert.ok(errors.some((e) => /over 1000000000000000/.test(e.message)), errors.map((e) => e.message).join("; "));
  });

  void it("refuses fragment cycles itself (the spec rule runs only after the limits)", () => {
    const errors = limitErrors(parse(`{ ...A } fragment A on Query { ...B } fragment B on Query { assets { totalCount } ...A }`), {});
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /fragment cycle/);
  });

  void it("counts aliases, depth and page sizes from variables", () => {
    const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: assets { totalCount }`).join(" ");
    assert.ok(limitErrors(parse(`{ ${aliases} }`), {}).some((e) => /1000 aliases; the limit is 30/.test(e.message)));
    const paged = parse(`query($n: Int) { runs(first: $n) { nodes { events(first: 1000) { message } } } }`);
    assert.deepEqual(limitErrors(paged, { n: 5 }), []);
    assert.ok(limitErrors(paged, { n: 500 }).some((e) => /estimated cost 501001/.test(e.message)));
    assert.equal(DEFAULT_LIMITS.maxDepth, 12);
  });

  void it("takes page sizes the query leaves out from the schema's defaults", () => {
    const schema = flytSchema();
    // assets(first: Int = 100): 100 pages of a 3-field node, not the 10 assumed without a schema.
    const document = parse(`{ assets { nodes { key group description } } }`);
    const [withSchema] = [...(analyzeDocument(document, {}, schema) as Map<unknown, { cost: number }>).values()];
    const [without] = [...(analyzeDocument(document, {}) as Map<unknown, { cost: number }>).values()];
    assert.equal(withSchema?.cost, 1 + 100 * (1 + 1 * 3));
    assert.equal(without?.cost, 1 + 1 * (1 + 1 * 3));
  });
});

/**
 * Hostile GraphQL documents for the limit tests and the benchmark: small to send, huge to expand.
 */

/** `fragment F1 on Query { ...F2 ...F2 }` … down to `F<levels>`, which asks for `assets { totalCount }`: 2^(levels-1) spreads of the last. */
export function fragmentBomb(levels: number): string {
  const fragments = Array.from({ length: levels - 1 }, (_, i) => `fragment F${i + 1} on Query { ...F${i + 2} ...F${i + 2} }`);
  return `query Bomb { ...F1 }\n${fragments.join("\n")}\nfragment F${levels} on Query { assets { totalCount } }`;
}

/** One query with `count` aliased copies of a cheap field. */
export function aliasFlood(count: number): string {
  return `{ ${Array.from({ length: count }, (_, i) => `a${i}: assets { totalCount }`).join(" ")} }`;
}

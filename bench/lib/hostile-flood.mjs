// The attackers of bench/hostile.mjs, in their own process: `clients` concurrent loops posting
// hostile GraphQL documents (alternately the 30-level fragment bomb and the 1,000-alias query) to
// `url` for `ms` milliseconds. Prints { sent, refused, other, errors } when done.
const [url, clients, ms] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const { fragmentBomb, aliasFlood } = await import("../../packages/webserver/dist/graphql/test-fixtures/hostile-queries.js");
const bodies = [JSON.stringify({ query: fragmentBomb(30) }), JSON.stringify({ query: aliasFlood(1000) })];
const until = performance.now() + ms;
const counts = { sent: 0, refused: 0, other: 0, errors: 0 };
await Promise.all(
  Array.from({ length: clients }, async (_, c) => {
    for (let i = c; performance.now() < until; i++) {
      try {
        const response = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: bodies[i % 2] });
        const body = await response.json();
        counts.sent += 1;
        if (response.status < 500 && body.errors?.length && body.data === undefined) counts.refused += 1;
        else counts.other += 1;
      } catch {
        counts.errors += 1;
      }
    }
  }),
);
process.stdout.write(JSON.stringify(counts) + "\n");

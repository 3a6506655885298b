/**
 * The release calendar on the synthetic SSB feed shipped with the example: parsing (ssbrss fields,
 * several table ids, entities, bad input named), and the sensor's decision as the clock and the
 * cursor move (first tick acts on the newest release only, each later release once, upcoming
 * releases wait, releases outside the known years move the cursor without a run). Variations
 * of the feed are derived here from the synthetic file.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SourceDataError } from "./errors.js";
import { decideReleases, decodeReleaseCursor, encodeReleaseCursor, parseReleaseCalendar, releaseYear } from "./release-calendar.js";
import { createSources, defaultFixturesDir, RELEASE_CALENDAR_FIXTURE, resolveSourcesConfig } from "./sources.js";

const FEED = readFileSync(join(defaultFixturesDir(), RELEASE_CALENDAR_FIXTURE), "utf8");
const YEARS = ["2022", "2023"];
const at = (iso: string) => Date.parse(iso);

/** The feed with one more 07221 release, as SSB would add it. */
function withRelease(guid: string, title: string, date: string): string {
  const item = `<item><title>${title}</title><guid isPermaLink="false">${guid}</guid><ssbrss:date>${date}</ssbrss:date><ssbrss:tableid>07221</ssbrss:tableid></item>`;
  return FEED.replace("</channel>", `${item}</channel>`);
}

void describe("release calendar parsing", () => {
  void it("reads every item with its ssbrss fields", () => {
    const releases = parseReleaseCalendar(FEED);
    assert.equal(releases.length, 4);
    const k4 = releases.find((r) => r.guid === "statkal-synthetic-bpi-2023-k4");
    assert.ok(k4);
    assert.equal(k4.title, "Boligprisindeksen, 4. kvartal 2023");
    assert.equal(k4.releasedAt, at("2024-01-19T07:00:00Z"));
    assert.equal(k4.shortname, "bpi");
    assert.equal(k4.subject, "Priser og prisindekser");
    assert.match(k4.contact ?? "", /kari\.nordmann@example\.org/);
    assert.deepEqual(k4.tableIds, ["07221"]);
    assert.deepEqual(releases.find((r) => r.shortname === "kpi")?.tableIds, ["03013", "14700"]);
    assert.equal(releaseYear(k4), "2023");
  });

  void it("falls back to pubDate and link, and names the item at fault", () => {
    const noSsbDate = `<rss><channel><item><title>A</title><link>https://example.org/a</link><pubDate>Fri, 19 Jan 2024 07:00:00 GMT</pubDate></item></channel></rss>`;
    const [a] = parseReleaseCalendar(noSsbDate);
    assert.equal(a?.releasedAt, at("2024-01-19T07:00:00Z"));
    assert.equal(a?.guid, "https://example.org/a");
    assert.deepEqual(a?.tableIds, []);

    const badDate = FEED.replace("2024-01-19T08:00:00+01:00", "the nineteenth");
    assert.throws(() => parseReleaseCalendar(badDate.replace("<pubDate>Fri, 19 Jan 2024 07:00:00 GMT</pubDate>", "")), (err: unknown) => {
      assert.ok(err instanceof SourceDataError);
      assert.match(err.message, /item\[2\] \("Boligprisindeksen, 4\. kvartal 2023"\)\.date: "the nineteenth" is not a date/);
      return true;
    });
    assert.throws(() => parseReleaseCalendar(FEED.replace("<ssbrss:tableid>07221</ssbrss:tableid>", "<ssbrss:tableid>7221</ssbrss:tableid>")), /"7221" is not a five-digit table id/);
    assert.throws(() => parseReleaseCalendar("{}"), /not an XML document/);
    assert.throws(() => parseReleaseCalendar("<html><body/></html>"), /rss\.channel: missing/);
    assert.throws(() => parseReleaseCalendar("<rss><channel><item><title>x</title></channel></rss>"), /not well-formed XML/);
  });
});

void describe("release sensor decision", () => {
  const releases = parseReleaseCalendar(FEED);

  void it("first tick: only the newest release that has appeared; upcoming ones wait", () => {
    const now = at("2025-06-01T00:00:00Z");
    const first = decideReleases({ releases, tables: [{ tableId: "07221", partitions: YEARS }], cursor: null, now });
    assert.deepEqual(first.runRequests.map((r) => [r.runKey, r.partitionKey]), [["statkal-synthetic-bpi-2023-k4:07221", "2023"]]);
    assert.equal(first.runRequests[0]?.tags["atlas/release"], "statkal-synthetic-bpi-2023-k4");
    assert.equal(first.runRequests[0]?.tags["atlas/released_at"], "2024-01-19T07:00:00.000Z");
    assert.ok(first.cursor);
    assert.deepEqual(decodeReleaseCursor(first.cursor), { releasedAt: at("2024-01-19T07:00:00Z"), guid: "statkal-synthetic-bpi-2023-k4" });

    const again = decideReleases({ releases, tables: [{ tableId: "07221", partitions: YEARS }], cursor: first.cursor, now: now + 3_600_000 });
    assert.deepEqual(again.runRequests, []);
    assert.equal(again.cursor, undefined, "nothing new: the cursor stays");
    assert.match(again.skipReason ?? "", /no release of table 07221 since statkal-synthetic-bpi-2023-k4/);
  });

  void it("before any release has appeared the sensor skips and sets no cursor", () => {
    const early = decideReleases({ releases, tables: [{ tableId: "07221", partitions: YEARS }], cursor: null, now: at("2023-01-01T00:00:00Z") });
    assert.deepEqual(early, { runRequests: [], skipReason: "no release of table 07221 has appeared yet" });
  });

  void it("each release after the cursor requests its year once, in order", () => {
    const cursor = encodeReleaseCursor({ releasedAt: at("2023-10-19T06:00:00Z"), guid: "statkal-synthetic-bpi-2023-k3" });
    const feed = parseReleaseCalendar(withRelease("bpi-2022-revision", "Boligprisindeksen, revidert 2022", "2024-02-01T08:00:00+01:00"));
    const decision = decideReleases({ releases: feed, tables: [{ tableId: "07221", partitions: YEARS }], cursor, now: at("2024-03-01T00:00:00Z") });
    assert.deepEqual(decision.runRequests.map((r) => [r.tags["atlas/release"], r.partitionKey]), [
      ["statkal-synthetic-bpi-2023-k4", "2023"],
      ["bpi-2022-revision", "2022"],
    ]);
    assert.equal(decodeReleaseCursor(decision.cursor ?? "").guid, "bpi-2022-revision");
  });

  void it("an upcoming release fires once its time has come; one outside the known years moves the cursor only", () => {
    const start = decideReleases({ releases, tables: [{ tableId: "07221", partitions: YEARS }], cursor: null, now: at("2030-01-01T00:00:00Z") });
    const before = decideReleases({ releases, tables: [{ tableId: "07221", partitions: YEARS }], cursor: start.cursor ?? null, now: at("2040-04-19T05:59:59Z") });
    assert.equal(before.cursor, undefined);
    const after = decideReleases({ releases, tables: [{ tableId: "07221", partitions: YEARS }], cursor: start.cursor ?? null, now: at("2040-04-19T06:00:00Z") });
    assert.deepEqual(after.runRequests, []);
    assert.match(after.skipReason ?? "", /statkal-synthetic-bpi-2040-k1 \(2040\)/);
    assert.equal(decodeReleaseCursor(after.cursor ?? "").guid, "statkal-synthetic-bpi-2040-k1");
    const withYear = decideReleases({ releases, tables: [{ tableId: "07221", partitions: [...YEARS, "2040"] }], cursor: start.cursor ?? null, now: at("2040-04-19T06:00:00Z") });
    assert.deepEqual(withYear.runRequests.map((r) => r.partitionKey), ["2040"]);
  });

  void it("releases of other tables never fire, and a foreign cursor is an error", () => {
    const kpi = decideReleases({ releases, tables: [{ tableId: "14700", partitions: ["2023"] }], cursor: null, now: at("2025-01-01T00:00:00Z") });
    assert.deepEqual(kpi.runRequests.map((r) => r.runKey), ["statkal-synthetic-kpi-2023-12:14700"]);
    assert.throws(() => decideReleases({ releases, tables: [{ tableId: "07221", partitions: YEARS }], cursor: "2023", now: Date.now() }), /release sensor cursor/);
  });
});

void describe("release sensor decision over several tables", () => {
  /** The tables definitions.ts follows: 07221 by year, 13861 and 05300 whole. */
  const TABLES = [
    { tableId: "07221", partitions: YEARS },
    { tableId: "13861", partitions: null },
    { tableId: "05300", partitions: null },
  ];
  /** The synthetic feed with releases of 13861 and 05300, dated as the recorded tables were updated (2023-02-02, 2026-03-05). */
  const item = (guid: string, title: string, date: string, tableIds: string) =>
    `<item><title>${title}</title><guid isPermaLink="false">${guid}</guid><ssbrss:date>${date}</ssbrss:date><ssbrss:tableid>${tableIds}</ssbrss:tableid></item>`;
  const feed = FEED.replace(
    "</channel>",
    item("lonn-2022", "Lønnsstatistikk, 2022", "2023-02-02T08:00:00+01:00", "13861 11418") +
      item("kulturbarometer-2025", "Norsk kulturbarometer 2025", "2026-03-05T08:00:00+01:00", "05300") +
      item("both-2026", "Revisjon", "2026-06-01T08:00:00+02:00", "13861 05300") +
      "</channel>",
  );
  const releases = parseReleaseCalendar(feed);

  void it("first tick: the newest release of each table, the unpartitioned ones without a partition", () => {
    const first = decideReleases({ releases, tables: TABLES, cursor: null, now: at("2026-04-01T00:00:00Z") });
    assert.deepEqual(
      first.runRequests.map((r) => [r.runKey, r.tableId, r.partitionKey]),
      [
        ["lonn-2022:13861", "13861", null],
        ["statkal-synthetic-bpi-2023-k4:07221", "07221", "2023"],
        ["kulturbarometer-2025:05300", "05300", null],
      ],
    );
    assert.equal(first.runRequests[0]?.tags["atlas/table"], "13861");
    assert.equal(decodeReleaseCursor(first.cursor ?? "").guid, "kulturbarometer-2025");
  });

  void it("a release of two followed tables requests both, each with its own run key", () => {
    const cursor = encodeReleaseCursor({ releasedAt: at("2026-03-05T07:00:00Z"), guid: "kulturbarometer-2025" });
    const later = decideReleases({ releases, tables: TABLES, cursor, now: at("2026-07-01T00:00:00Z") });
    assert.deepEqual(later.runRequests.map((r) => r.runKey), ["both-2026:13861", "both-2026:05300"]);
    assert.equal(decodeReleaseCursor(later.cursor ?? "").guid, "both-2026");
  });

  void it("skips naming every followed table when none has a release yet", () => {
    const early = decideReleases({ releases, tables: TABLES, cursor: null, now: at("2020-01-01T00:00:00Z") });
    assert.deepEqual(early, { runRequests: [], skipReason: "no release of tables 07221, 13861, 05300 has appeared yet" });
  });
});

void describe("release calendar source", () => {
  void it("reads the synthetic feed in fixtures mode and GETs the calendar in live mode", async () => {
    const fixtures = createSources(resolveSourcesConfig({ mode: "fixtures", fixturesDir: "", userAgent: "" }));
    const local = await fixtures.releaseCalendar();
    assert.equal(local.body, FEED);
    assert.match(local.fixture ?? "", /ssb_statkal_rss_synthetic\.xml$/);

    const seen: { url: string; headers: Record<string, string> }[] = [];
    const live = createSources({
      ...resolveSourcesConfig({ mode: "live", fixturesDir: "", userAgent: "atlas-test/1 test@example.org" }),
      fetch: (url, init) => {
        seen.push({ url, headers: init.headers });
        return Promise.resolve(new Response(FEED, { status: 200, headers: { "Content-Type": "application/rss+xml" } }));
      },
    });
    const remote = await live.releaseCalendar();
    assert.equal(remote.fixture, null);
    assert.equal(seen[0]?.url, "https://www.ssb.no/rss/statkal");
    assert.equal(seen[0]?.headers["User-Agent"], "atlas-test/1 test@example.org");
    assert.equal(parseReleaseCalendar(remote.body).length, 4);

    const failing = createSources({
      ...resolveSourcesConfig({ mode: "live", fixturesDir: "", userAgent: "atlas-test/1" }),
      fetch: () => Promise.resolve(new Response("nope", { status: 503, statusText: "Service Unavailable" })),
    });
    await assert.rejects(failing.releaseCalendar(), /SSB release calendar: could not read https:\/\/www\.ssb\.no\/rss\/statkal: HTTP 503/);
  });
});

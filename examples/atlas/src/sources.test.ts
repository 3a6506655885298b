/**
 * The ATLAS_SOURCE switch: fixtures mode reads the recorded responses; live mode builds the real
 * requests (checked with an injected fetch, never sent: no network at test time).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidConfigError } from "@flyt/core";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { createSources, exampleDir, metForecastUrl, resolveSourcesConfig, type FetchFn } from "./sources.js";
import { BERGEN, NEW_YORK } from "./met.js";
import { parsePxQuery, quarterlyQueryForYear, HOUSE_PRICE_SOURCE } from "./ssb.js";
import { SourceFetchError } from "./errors.js";
import { FIXTURES_DIR, loadFixture, MET_BERGEN_FILE, SSB_07221_FILE } from "./test-fixtures.js";

interface Captured {
  url: string;
  init: Parameters<FetchFn>[1];
}
function recordingFetch(response: () => Response): { fetch: FetchFn; calls: Captured[] } {
  const calls: Captured[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      calls.push({ url, init });
      return response();
    },
  };
}

void describe("resolveSourcesConfig", () => {
  void it("defaults to the fixtures shipped with the example (examples/atlas/fixtures)", () => {
    const config = resolveSourcesConfig({ mode: "", fixturesDir: "", userAgent: "" });
    assert.equal(config.mode, "fixtures");
    assert.match(config.fixturesDir, /\/examples\/atlas\/fixtures$/);
  });
  void it("rejects an unknown mode and a live mode without User-Agent", () => {
    assert.throws(() => resolveSourcesConfig({ mode: "staging", fixturesDir: "", userAgent: "x" }), (e: unknown) => e instanceof InvalidConfigError && /ATLAS_SOURCE.*"staging" is not one of fixtures, live/.test(e.message));
    assert.throws(() => resolveSourcesConfig({ mode: "live", fixturesDir: "", userAgent: " " }), /ATLAS_USER_AGENT/);
  });
});

void describe("fixtures mode", () => {
  const sources = createSources({ mode: "fixtures", fixturesDir: FIXTURES_DIR, userAgent: "test", fetch: () => Promise.reject(new Error("no network in fixtures mode")) });
  void it("reads the recorded SSB response and names the real URL", async () => {
    const query = parsePxQuery(HOUSE_PRICE_SOURCE, await sources.ssbBaseQuery("07221"));
    const res = await sources.ssbTable("07221", query);
    assert.deepEqual(res.body, loadFixture(SSB_07221_FILE));
    assert.equal(res.url, "https://data.ssb.no/api/v0/no/table/07221/");
    assert.match(res.fixture!, /ssb_v0_table07221_post_jsonstat2_response\.json$/);
  });
  void it("reads the recorded MET forecast", async () => {
    const res = await sources.metForecast(BERGEN);
    assert.deepEqual(res.body, loadFixture(MET_BERGEN_FILE));
    assert.equal(res.url, "https://api.met.no/weatherapi/locationforecast/2.0/compact?lat=60.3915&lon=5.3199&altitude=8");
  });
  void it("fails clearly for a source without a fixture or a wrong fixtures folder", async () => {
    await assert.rejects(sources.metForecast({ ...BERGEN, name: "tromso" }), (e: unknown) => e instanceof SourceFetchError && /no fixture is recorded for "tromso" \(known: bergen, newyork\)/.test(e.message));
    const wrong = createSources({ mode: "fixtures", fixturesDir: "/nonexistent/fixtures", userAgent: "test" });
    await assert.rejects(wrong.metForecast(BERGEN), /could not read \/nonexistent\/fixtures\/met\/.*set ATLAS_FIXTURES_DIR/);
  });
});

void describe("live mode builds the real requests", () => {
  const ok = () => new Response(JSON.stringify({ ok: true }), { status: 200, headers: { "content-type": "application/json" } });

  void it("POSTs the year's query to SSB PxWebApi v0", async () => {
    const { fetch, calls } = recordingFetch(ok);
    const sources = createSources({ mode: "live", fixturesDir: FIXTURES_DIR, userAgent: "atlas-test/1.0 ops@example.org", fetch });
    const query = quarterlyQueryForYear(parsePxQuery(HOUSE_PRICE_SOURCE, await sources.ssbBaseQuery("07221")), "2023");
    const controller = new AbortController();
    const res = await sources.ssbTable("07221", query, controller.signal);
    assert.deepEqual(res, { body: { ok: true }, url: "https://data.ssb.no/api/v0/no/table/07221/", fixture: null });
    assert.equal(calls.length, 1);
    const call = calls[0]!;
    assert.equal(call.url, "https://data.ssb.no/api/v0/no/table/07221/");
    assert.equal(call.init.method, "POST");
    assert.equal(call.init.headers["Content-Type"], "application/json");
    assert.equal(call.init.headers["User-Agent"], "atlas-test/1.0 ops@example.org");
    assert.equal(call.init.signal, controller.signal);
    const sent = JSON.parse(call.init.body!);
    assert.deepEqual(sent, query);
    const tid = (sent as { query: { code: string; selection: { values: string[] } }[] }).query.find((q) => q.code === "Tid");
    assert.deepEqual(tid?.selection.values, ["2023K1", "2023K2", "2023K3", "2023K4"]);
    assert.equal(sent.response.format, "json-stat2");
  });

  void it("GETs the MET compact forecast with a User-Agent", async () => {
    const { fetch, calls } = recordingFetch(ok);
    const sources = createSources({ mode: "live", fixturesDir: FIXTURES_DIR, userAgent: "atlas-test/1.0 ops@example.org", fetch });
    await sources.metForecast(BERGEN);
    const call = calls[0]!;
    const url = new URL(call.url);
    assert.equal(url.origin + url.pathname, "https://api.met.no/weatherapi/locationforecast/2.0/compact");
    assert.equal(url.searchParams.get("lat"), "60.3915");
    assert.equal(url.searchParams.get("lon"), "5.3199");
    assert.equal(call.init.method, "GET");
    assert.equal(call.init.body, undefined);
    assert.equal(call.init.headers["User-Agent"], "atlas-test/1.0 ops@example.org");
  });

  void it("rounds coordinates to 4 decimals as MET asks", () => {
    assert.match(metForecastUrl({ ...BERGEN, lat: 60.391512345, lon: 5.31994444 }), /lat=60\.3915&lon=5\.3199/);
  });

  void it("turns HTTP errors and non-JSON into SourceFetchError", async () => {
    const failing = createSources({
      mode: "live", fixturesDir: FIXTURES_DIR, userAgent: "ua",
      fetch: recordingFetch(() => new Response("Too Many Requests", { status: 429, statusText: "Too Many Requests" })).fetch,
    });
    await assert.rejects(failing.metForecast(BERGEN), (e: unknown) => e instanceof SourceFetchError && /HTTP 429 Too Many Requests: Too Many Requests/.test(e.message));
    const html = createSources({ mode: "live", fixturesDir: FIXTURES_DIR, userAgent: "ua", fetch: recordingFetch(() => new Response("<html>", { status: 200 })).fetch });
    await assert.rejects(html.metForecast(BERGEN), /response is not JSON/);
  });
});

void describe("live mode: the sources added for every fixture", () => {
  const json = (body: unknown, headers: Record<string, string> = {}) => () =>
    new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json", ...headers } });
  const live = (fetch: FetchFn) => createSources({ mode: "live", fixturesDir: FIXTURES_DIR, userAgent: "atlas-test/1.0 ops@example.org", fetch, frostClientId: "client-id" });

  void it("sends If-Modified-Since to MET, reads Expires and Last-Modified, and takes a 304 as an answer", async () => {
    const headers = { Expires: "Mon, 20 Jul 2020 12:14:53 GMT", "Last-Modified": "Mon, 20 Jul 2020 11:44:31 GMT" };
    const fresh = recordingFetch(json(loadFixture(MET_BERGEN_FILE), headers));
    const first = await live(fresh.fetch).metForecast(NEW_YORK);
    assert.equal(first.status, 200);
    assert.deepEqual(first.cache, { expires: headers.Expires, lastModified: headers["Last-Modified"] });
    assert.equal(fresh.calls[0]!.init.headers["If-Modified-Since"], undefined);
    assert.equal(fresh.calls[0]!.url, "https://api.met.no/weatherapi/locationforecast/2.0/compact?lat=40.7000&lon=-74.0000&altitude=10");

    const unchanged = recordingFetch(() => new Response(null, { status: 304, headers: { Expires: "Mon, 20 Jul 2020 12:45:00 GMT" } }));
    const second = await live(unchanged.fetch).metForecast(NEW_YORK, undefined, { ifModifiedSince: headers["Last-Modified"] });
    assert.deepEqual({ status: second.status, body: second.body, cache: second.cache }, { status: 304, body: null, cache: { expires: "Mon, 20 Jul 2020 12:45:00 GMT", lastModified: null } });
    assert.equal(unchanged.calls[0]!.init.headers["If-Modified-Since"], "Mon, 20 Jul 2020 11:44:31 GMT");

    const garbled = recordingFetch(json({}, { Expires: "soon" }));
    await assert.rejects(live(garbled.fetch).metForecast(NEW_YORK), /MET locationforecast \(newyork\): invalid data at response headers\.expires: "soon" is not an HTTP date/);
  });

  void it("GETs SSB's v0 metadata, v2 table info and metadata link, Frost's nearest stations and Enhetsregisteret", async () => {
    const { fetch, calls } = recordingFetch(json({ ok: true }));
    const sources = live(fetch);
    await sources.ssbTableMetadata("13861");
    await sources.ssbV2TableInfo("05300");
    await sources.ssbV2Metadata("05300", "https://data.ssb.no/api/pxwebapi/v2/tables/05300/metadata?lang=no");
    await sources.frostStations(BERGEN, ["air_temperature", "wind_speed"]);
    await sources.brregSearchPage("https://data.brreg.no/enhetsregisteret/api/enheter?organisasjonsform=ASA&page=0&size=100");
    await sources.brregEntity("923609016");
    assert.deepEqual(
      calls.map((c) => [c.init.method, c.url]),
      [
        ["GET", "https://data.ssb.no/api/v0/no/table/13861/"],
        ["GET", "https://data.ssb.no/api/pxwebapi/v2/tables/05300?lang=no"],
        ["GET", "https://data.ssb.no/api/pxwebapi/v2/tables/05300/metadata?lang=no"],
        ["GET", "https://frost.met.no/sources/v0.jsonld?types=SensorSystem&elements=air_temperature%2Cwind_speed&geometry=nearest%28POINT%285.3199+60.3915%29%29"],
        ["GET", "https://data.brreg.no/enhetsregisteret/api/enheter?organisasjonsform=ASA&page=0&size=100"],
        ["GET", "https://data.brreg.no/enhetsregisteret/api/enheter/923609016"],
      ],
    );
    assert.ok(calls.every((c) => c.init.headers["User-Agent"] === "atlas-test/1.0 ops@example.org"));
    assert.equal(calls[3]!.init.headers["Authorization"], `Basic ${Buffer.from("client-id:").toString("base64")}`);
    assert.equal(sources.brregPageSize, 100);
    assert.equal(sources.brregPageLimit, null);
    await assert.rejects(sources.brregSearchPage("https://example.org/enheter?page=1"), /is not an entity search URL/);
    await assert.rejects(sources.brregEntity("923609017"), /not a Norwegian organisation number/);
  });

  void it("reads the recorded Frost stations and brreg entity in fixtures mode, with the recorder's escapes decoded", async () => {
    const sources = createSources({ mode: "fixtures", fixturesDir: FIXTURES_DIR, userAgent: "test" });
    const stations = await sources.frostStations(BERGEN, ["air_temperature"]);
    assert.match(stations.fixture ?? "", /frost_sources_v0_sample\.json$/);
    const entity = (await sources.brregEntity("923609016")).body as { naeringskode1: { beskrivelse: string } };
    assert.equal(entity.naeringskode1.beskrivelse, "Utvinning av råolje");
    await assert.rejects(sources.brregEntity("883603362"), /no fixture is recorded for "883603362"/);
    await assert.rejects(
      sources.brregSearchPage("https://data.brreg.no/enhetsregisteret/api/enheter?organisasjonsform=ASA&page=1&size=5"),
      /no fixture is recorded for "organisasjonsform=ASA&page=1&size=5"/,
    );
  });
});

void describe("the fixtures folder", () => {
  void it("holds only files an ingest reads, each listed with its origin in fixtures/README.md", () => {
    const root = join(exampleDir(), "fixtures");
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f !== "README.md" && statSync(join(root, f)).isFile()).sort();
    assert.ok(files.length >= 13, files.join(", "));
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const sourcesText = readFileSync(join(exampleDir(), "src", "sources.ts"), "utf8");
    for (const file of files) {
      assert.ok(readme.includes(`| \`${file}\` |`), `fixtures/README.md lists ${file}`);
      assert.ok(sourcesText.includes(`"${file}"`) || sourcesText.includes(`"${basename(file)}"`), `src/sources.ts reads ${file}`);
    }
  });
});

/**
 * The ATLAS_SOURCE switch: fixtures mode reads the recorded responses; live mode builds the real
 * requests (checked with an injected fetch, never sent: no network at test time).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidConfigError } from "@flyt/core";
import { createSources, metForecastUrl, resolveSourcesConfig, type FetchFn } from "./sources.js";
import { BERGEN } from "./met.js";
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
    await assert.rejects(sources.metForecast({ ...BERGEN, name: "tromso" }), (e: unknown) => e instanceof SourceFetchError && /no fixture is recorded for "tromso" \(known: bergen\)/.test(e.message));
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

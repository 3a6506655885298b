/**
 * Brønnøysund's Enhetsregisteret: organisation numbers (modulus 11), the recorded search page
 * (5 of 219 ASA companies) and entity (Equinor ASA), the decoding of the recorder's `<U+00F8>`
 * escapes, and the search ingest paging through `_links.next` — over pages derived from the
 * recorded one, as the live API would send them, and over the fixtures (one page: truncated).
 * Malformed variants are derived from the fixtures in each test; every failure names the field.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BRREG_SEARCH, BRREG_SEARCH_SOURCE, decodeRecordedEscapes, isOrganisationNumber, parseEntity, parseSearchPage } from "./brreg.js";
import { ingestBrregEntities, ingestBrregSearch, TABLES, type PipelineLog } from "./pipeline.js";
import { createSources, type AtlasSources } from "./sources.js";
import { AtlasStore } from "./store.js";
import { BRREG_ENTITY_FILE, BRREG_SEARCH_FILE, FIXTURES_DIR, loadFixture, throwsAt } from "./test-fixtures.js";

const root = mkdtempSync(join(tmpdir(), "atlas-brreg-"));
after(() => rmSync(root, { recursive: true, force: true }));
const sources = createSources({ mode: "fixtures", fixturesDir: FIXTURES_DIR, userAgent: "test" });

/** The recorded files as the ingest reads them: escapes decoded. */
const decoded = (file: string): any => JSON.parse(decodeRecordedEscapes(JSON.stringify(loadFixture(file))));


/** `prefix` (8 digits) with its modulus-11 check digit, or null when none exists. */
function withCheckDigit(prefix: string): string | null {
  const sum = [3, 2, 7, 6, 5, 4, 3, 2].reduce((acc, w, i) => acc + w * Number(prefix[i]), 0);
  const check = (11 - (sum % 11)) % 11;
  return check === 10 ? null : `${prefix}${check}`;
}

void describe("organisation numbers and the recorder's escapes", () => {
  void it("accepts numbers with a valid check digit only", () => {
    assert.ok(isOrganisationNumber("923609016"));
    assert.ok(isOrganisationNumber("883603362"));
    assert.ok(!isOrganisationNumber("923609017"), "wrong check digit");
    assert.ok(!isOrganisationNumber("92360901"), "8 digits");
    assert.ok(!isOrganisationNumber("92360901a"));
  });
  void it("turns <U+00F8> back into ø", () => {
    assert.equal(decodeRecordedEscapes("Rusel<U+00F8>kkveien 26, <U+00C5>sane"), "Ruseløkkveien 26, Åsane");
    assert.equal(sources.brregPageSize, 5);
  });
});

void describe("the recorded entity and search page", () => {
  void it("reads Equinor ASA, its industry and address", () => {
    const equinor = parseEntity("brreg", decoded(BRREG_ENTITY_FILE));
    assert.equal(equinor.navn, "EQUINOR ASA");
    assert.equal(equinor.naeringskode_beskrivelse, "Utvinning av råolje");
    assert.deepEqual([equinor.organisasjonsform, equinor.kommunenummer, equinor.antall_ansatte, equinor.konkurs], ["ASA", "1103", 21408, 0]);
  });

  void it("reads page 0 of 44: five entities and the link to page 1", () => {
    const page = parseSearchPage(BRREG_SEARCH_SOURCE, decoded(BRREG_SEARCH_FILE), 0);
    assert.deepEqual([page.size, page.totalElements, page.totalPages, page.number, page.entities.length], [5, 219, 44, 0, 5]);
    assert.equal(page.next, "https://data.brreg.no/enhetsregisteret/api/enheter?organisasjonsform=ASA&page=1&size=5");
    assert.equal(page.entities[0]?.navn, "ABG SUNDAL COLLIER ASA");
  });

  void it("names the field when a page or an entity is malformed", () => {
    const page = (edit: (body: any) => void, expected = 0) => () => {
      const body = decoded(BRREG_SEARCH_FILE);
      edit(body);
      return parseSearchPage(BRREG_SEARCH_SOURCE, body, expected);
    };
    throwsAt(page(() => undefined, 1), "page.number", /is 0, but page 1 was asked for/);
    throwsAt(page((b) => (b._embedded.enheter[2].organisasjonsnummer = "123456789")), "_embedded.enheter[2].organisasjonsnummer", /not a 9-digit organisation number with a valid check digit/);
    throwsAt(page((b) => delete b._embedded.enheter[4].konkurs), "_embedded.enheter[4].konkurs", /undefined is not a boolean/);
    throwsAt(page((b) => (b._embedded.enheter[1].forretningsadresse.kommunenummer = "301")), "_embedded.enheter[1].forretningsadresse.kommunenummer", /is not a 4-digit municipality number/);
    throwsAt(page((b) => (b._links.next.href = "https://evil.example.org/enhetsregisteret/api/enheter?page=1")), "_links.next.href", /Atlas follows no other link/);
    throwsAt(page((b) => (b._links.next.href = b._links.next.href.replace("page=1", "page=2"))), "_links.next.href", /points to page 2, not 1/);
    throwsAt(page((b) => delete b._links.next), "_links.next", /is missing on page 0 of 44/);
    throwsAt(page((b) => (b.page.totalPages = 40)), "page.totalPages", /219 results in pages of 5 make 44/);
    throwsAt(page((b) => b._embedded.enheter.pop()), "_embedded.enheter", /has 4 entities, but page 0 of 44 is not the last/);
    throwsAt(page((b) => (b.page.size = "5")), "page.size", /"5" is not a non-negative integer/);
    throwsAt(() => parseEntity("brreg", { ...decoded(BRREG_ENTITY_FILE), stiftelsesdato: "18.09.1972" }), "stiftelsesdato", /is not a date like 2001-07-19/);
    throwsAt(() => parseEntity("brreg", { ...decoded(BRREG_ENTITY_FILE), organisasjonsform: {} }), "organisasjonsform.kode", /is missing/);
  });
});

void describe("the search ingest", () => {
  const lines: string[] = [];
  const log: PipelineLog = { info: () => undefined, warn: (message) => lines.push(message) };

  /**
   * A live-like search of 12 entities in pages of 5, derived from the recorded page: pages 1 and 2
   * carry the recorded entities under other (valid) organisation numbers.
   */
  function pagedSearch(edit: (pages: any[]) => void = () => undefined): { sources: AtlasSources; asked: string[] } {
    const numbers = Array.from({ length: 30 }, (_, i) => withCheckDigit(`9100${String(i).padStart(4, "0")}`)).filter((n): n is string => n !== null);
    const pages = [0, 1, 2].map((n) => {
      const body = decoded(BRREG_SEARCH_FILE);
      body.page = { size: 5, totalElements: 12, totalPages: 3, number: n };
      body._embedded.enheter = body._embedded.enheter.slice(0, n === 2 ? 2 : 5);
      if (n > 0) body._embedded.enheter.forEach((e: any, i: number) => (e.organisasjonsnummer = numbers[n * 5 + i]));
      body._links.next = n < 2 ? { href: `https://data.brreg.no/enhetsregisteret/api/enheter?organisasjonsform=ASA&page=${n + 1}&size=5` } : undefined;
      if (n === 2) delete body._links.next;
      return body;
    });
    edit(pages);
    const asked: string[] = [];
    return {
      asked,
      sources: {
        ...sources,
        brregPageLimit: null,
        brregSearchPage: async (url) => {
          asked.push(url);
          return { body: pages[Number(new URL(url).searchParams.get("page"))], url, fixture: null };
        },
      },
    };
  }

  void it("follows the next links to the last page and stores every entity", async () => {
    const store = new AtlasStore(join(root, "paged"));
    try {
      const { sources: paged, asked } = pagedSearch();
      const metadata = await ingestBrregSearch({ sources: paged, store, query: BRREG_SEARCH, log });
      assert.deepEqual(asked, [
        "https://data.brreg.no/enhetsregisteret/api/enheter?organisasjonsform=ASA&page=0&size=5",
        "https://data.brreg.no/enhetsregisteret/api/enheter?organisasjonsform=ASA&page=1&size=5",
        "https://data.brreg.no/enhetsregisteret/api/enheter?organisasjonsform=ASA&page=2&size=5",
      ]);
      assert.deepEqual([metadata["rows"], metadata["pages_read"], metadata["truncated"]], [{ type: "int", value: 12 }, { type: "int", value: 3 }, { type: "bool", value: false }]);
      assert.equal(store.readTable(TABLES.brregSearch, "test").length, 12);
    } finally {
      store.close();
    }
  });

  void it("fails when the register changes while paging", async () => {
    const store = new AtlasStore(join(root, "moving"));
    try {
      const repeated = pagedSearch((pages) => (pages[2]._embedded.enheter[0].organisasjonsnummer = pages[0]._embedded.enheter[3].organisasjonsnummer)).sources;
      await assert.rejects(ingestBrregSearch({ sources: repeated, store, query: BRREG_SEARCH, log }), /_embedded\.enheter\[0\]\.organisasjonsnummer: \d{9} is on page 2 and on page 0: the register changed while paging/);
      const grown = pagedSearch((pages) => (pages[1].page.totalElements = 13)).sources;
      await assert.rejects(ingestBrregSearch({ sources: grown, store, query: BRREG_SEARCH, log }), /page\.totalElements: changed from 12 to 13 while paging \(page 1\)/);
      assert.ok(!store.tableExists(TABLES.brregSearch), "nothing stored from a failed search");
    } finally {
      store.close();
    }
  });

  void it("reads the one recorded page in fixtures mode and says the search was truncated", async () => {
    const store = new AtlasStore(join(root, "fixtures"));
    try {
      lines.length = 0;
      const metadata = await ingestBrregSearch({ sources, store, query: BRREG_SEARCH, log });
      assert.deepEqual(
        [metadata["rows"], metadata["total_elements"], metadata["pages_read"], metadata["total_pages"], metadata["truncated"]],
        [{ type: "int", value: 5 }, { type: "int", value: 219 }, { type: "int", value: 1 }, { type: "int", value: 44 }, { type: "bool", value: true }],
      );
      assert.deepEqual(lines, ["stopped paging the Brønnøysund search at the source's page limit"]);
      const stored = store.readTable(TABLES.brregSearch, "test");
      assert.equal(stored.find((r) => r["organisasjonsnummer"] === "883603362")?.["naeringskode_beskrivelse"], "Verdipapirmegling");
      assert.ok(stored.every((r) => !String(r["navn"]).includes("<U+")), "escapes decoded");

      const entities = await ingestBrregEntities({ sources, store, orgnrs: ["923609016"], log });
      assert.deepEqual(entities["rows"], { type: "int", value: 1 });
      const wrong: AtlasSources = { ...sources, brregEntity: (_orgnr, signal) => sources.brregEntity("923609016", signal) };
      await assert.rejects(ingestBrregEntities({ sources: wrong, store, orgnrs: ["883603362"], log }), /Brønnøysund entity 883603362: invalid data at organisasjonsnummer: is 923609016, but 883603362 was asked for/);
    } finally {
      store.close();
    }
  });
});

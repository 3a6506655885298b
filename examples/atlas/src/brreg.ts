/**
 * The Brønnøysund Register Centre's Central Coordinating Register for Legal Entities
 * (Enhetsregisteret, `https://data.brreg.no/enhetsregisteret/api`): the entity search, paginated
 * (`GET /enheter?organisasjonsform=ASA&size=…&page=…`, HAL: `_embedded.enheter`, `_links.next`,
 * `page {size, totalElements, totalPages, number}`), and single entities (`GET /enheter/<orgnr>`),
 * validated and flattened into rows. Organisation numbers are checked with their modulus-11 check
 * digit, so a mangled number is caught where it enters.
 */
import { SourceDataError } from "./errors.js";

export const BRREG_API = "https://data.brreg.no/enhetsregisteret/api";
export const BRREG_SEARCH_SOURCE = "Brønnøysund entity search";
/** The organisation form Atlas follows: public limited companies (allmennaksjeselskap). */
export const BRREG_SEARCH = { organisasjonsform: "ASA" } as const;
/** Entities Atlas follows one by one: Equinor ASA. */
export const BRREG_ENTITIES = ["923609016"] as const;
/**
 * Enhetsregisteret answers no page past the first 10,000 results (`(page + 1) × size`); a search
 * that large must be narrowed (or read from the register's bulk download) rather than paged.
 */
export const BRREG_RESULT_WINDOW = 10_000;

/** The search URL for one page. */
export function brregSearchUrl(query: Readonly<Record<string, string>>, page: number, size: number): string {
  if (!Number.isInteger(page) || page < 0) throw new RangeError(`page ${page} is not a non-negative integer`);
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`size ${size} is not a positive integer`);
  return `${BRREG_API}/enheter?${new URLSearchParams({ ...query, page: String(page), size: String(size) }).toString()}`;
}

export function brregEntityUrl(orgnr: string): string {
  if (!isOrganisationNumber(orgnr)) throw new RangeError(`${JSON.stringify(orgnr)} is not a Norwegian organisation number (9 digits, modulus-11 check digit)`);
  return `${BRREG_API}/enheter/${orgnr}`;
}

/** True for a 9-digit organisation number whose last digit is its modulus-11 check digit (weights 3 2 7 6 5 4 3 2). */
export function isOrganisationNumber(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  const weights = [3, 2, 7, 6, 5, 4, 3, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(value[i]), 0);
  const check = (11 - (sum % 11)) % 11;
  return check !== 10 && check === Number(value[8]);
}

/**
 * The recorded brreg responses come from a test suite in R whose recorder wrote every non-ASCII
 * character as `<U+00F8>`; this turns them back into the characters the API sent (`ø`). Applied to
 * the recordings only: the live API answers in UTF-8.
 */
export function decodeRecordedEscapes(text: string): string {
  return text.replace(/<U\+([0-9A-Fa-f]{4,6})>/g, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)));
}

/** One entity as a row. */
export interface EntityRow {
  [column: string]: string | number | null;
  organisasjonsnummer: string;
  navn: string;
  organisasjonsform: string;
  naeringskode: string | null;
  naeringskode_beskrivelse: string | null;
  antall_ansatte: number | null;
  kommunenummer: string | null;
  kommune: string | null;
  postnummer: string | null;
  poststed: string | null;
  stiftelsesdato: string | null;
  registreringsdato: string | null;
  hjemmeside: string | null;
  /** 1 when bankrupt (konkurs). */
  konkurs: number;
  /** 1 when being wound up (underAvvikling). */
  under_avvikling: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Validates one entity (as `GET /enheter/<orgnr>` answers it, or an item of `_embedded.enheter`).
 * @param at the JSON path of the entity in the response, for messages.
 * @throws SourceDataError naming the field at fault.
 */
export function parseEntity(source: string, body: unknown, at = "$"): EntityRow {
  const path = (field: string) => (at === "$" ? field : `${at}.${field}`);
  if (!isRecord(body)) throw new SourceDataError(source, at, "is not a JSON object");
  const orgnr = body["organisasjonsnummer"];
  if (typeof orgnr !== "string" || !isOrganisationNumber(orgnr)) {
    throw new SourceDataError(source, path("organisasjonsnummer"), `${JSON.stringify(orgnr)} is not a 9-digit organisation number with a valid check digit`);
  }
  const navn = body["navn"];
  if (typeof navn !== "string" || navn.trim() === "") throw new SourceDataError(source, path("navn"), "is missing or empty");
  const form = body["organisasjonsform"];
  const formCode = isRecord(form) ? form["kode"] : undefined;
  if (typeof formCode !== "string" || formCode === "") throw new SourceDataError(source, path("organisasjonsform.kode"), "is missing");
  const optionalText = (value: unknown, field: string): string | null => {
    if (value === undefined || value === null) return null;
    if (typeof value !== "string") throw new SourceDataError(source, path(field), `${JSON.stringify(value)} is not a string`);
    return value;
  };
  const optionalDate = (field: string): string | null => {
    const value = optionalText(body[field], field);
    if (value !== null && !DATE.test(value)) throw new SourceDataError(source, path(field), `${JSON.stringify(value)} is not a date like 2001-07-19`);
    return value;
  };
  const flag = (field: string): number => {
    const value = body[field];
    if (typeof value !== "boolean") throw new SourceDataError(source, path(field), `${JSON.stringify(value)} is not a boolean`);
    return value ? 1 : 0;
  };
  const industry = body["naeringskode1"] as Record<string, unknown> | undefined;
  if (industry !== undefined && !isRecord(industry)) throw new SourceDataError(source, path("naeringskode1"), "is not an object");
  const employees = body["antallAnsatte"];
  if (employees !== undefined && (typeof employees !== "number" || !Number.isInteger(employees) || employees < 0)) {
    throw new SourceDataError(source, path("antallAnsatte"), `${JSON.stringify(employees)} is not a non-negative integer`);
  }
  const address = body["forretningsadresse"] as Record<string, unknown> | undefined;
  if (address !== undefined && !isRecord(address)) throw new SourceDataError(source, path("forretningsadresse"), "is not an object");
  const municipality = optionalText(address?.["kommunenummer"], "forretningsadresse.kommunenummer");
  if (municipality !== null && !/^\d{4}$/.test(municipality)) {
    throw new SourceDataError(source, path("forretningsadresse.kommunenummer"), `${JSON.stringify(municipality)} is not a 4-digit municipality number`);
  }
  return {
    organisasjonsnummer: orgnr,
    navn,
    organisasjonsform: formCode,
    naeringskode: optionalText(industry?.["kode"], "naeringskode1.kode"),
    naeringskode_beskrivelse: optionalText(industry?.["beskrivelse"], "naeringskode1.beskrivelse"),
    antall_ansatte: employees ?? null,
    kommunenummer: municipality,
    kommune: optionalText(address?.["kommune"], "forretningsadresse.kommune"),
    postnummer: optionalText(address?.["postnummer"], "forretningsadresse.postnummer"),
    poststed: optionalText(address?.["poststed"], "forretningsadresse.poststed"),
    stiftelsesdato: optionalDate("stiftelsesdato"),
    registreringsdato: optionalDate("registreringsdatoEnhetsregisteret"),
    hjemmeside: optionalText(body["hjemmeside"], "hjemmeside"),
    konkurs: flag("konkurs"),
    under_avvikling: flag("underAvvikling"),
  };
}

export interface SearchPage {
  entities: EntityRow[];
  size: number;
  totalElements: number;
  totalPages: number;
  number: number;
  /** `_links.next.href`, or null on the last page. */
  next: string | null;
}

/** True when `url` is an entity search of Enhetsregisteret (the only kind of link the search follows). */
export function isSearchUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === "https:" && parsed.host === "data.brreg.no" && parsed.pathname === "/enhetsregisteret/api/enheter";
}

/**
 * Validates one page of the entity search. `expectedPage` is the page asked for: a page that
 * answers another number (or claims fewer pages than it is) would make the pagination loop or skip.
 * A search with no result has no `_embedded` at all, which is valid.
 * @throws SourceDataError naming the field at fault.
 */
export function parseSearchPage(source: string, body: unknown, expectedPage: number): SearchPage {
  if (!isRecord(body)) throw new SourceDataError(source, "$", "is not a JSON object");
  const page = body["page"];
  if (!isRecord(page)) throw new SourceDataError(source, "page", "is missing");
  const int = (field: "size" | "totalElements" | "totalPages" | "number"): number => {
    const value = page[field];
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw new SourceDataError(source, `page.${field}`, `${JSON.stringify(value)} is not a non-negative integer`);
    return value;
  };
  const size = int("size");
  const totalElements = int("totalElements");
  const totalPages = int("totalPages");
  const number = int("number");
  if (number !== expectedPage) throw new SourceDataError(source, "page.number", `is ${number}, but page ${expectedPage} was asked for`);
  if (size > 0 && totalPages !== Math.ceil(totalElements / size)) {
    throw new SourceDataError(source, "page.totalPages", `is ${totalPages}, but ${totalElements} results in pages of ${size} make ${Math.ceil(totalElements / size)}`);
  }
  const embedded = body["_embedded"];
  let items: unknown[] = [];
  if (embedded !== undefined) {
    const list = isRecord(embedded) ? embedded["enheter"] : undefined;
    if (!Array.isArray(list)) throw new SourceDataError(source, "_embedded.enheter", "is not an array");
    items = list;
  }
  if (items.length > size) throw new SourceDataError(source, "_embedded.enheter", `has ${items.length} entities, more than the page size ${size}`);
  const isLast = number >= totalPages - 1;
  if (!isLast && items.length !== size) throw new SourceDataError(source, "_embedded.enheter", `has ${items.length} entities, but page ${number} of ${totalPages} is not the last and should hold ${size}`);
  const links = body["_links"];
  const nextLink = isRecord(links) && isRecord(links["next"]) ? links["next"]["href"] : undefined;
  let next: string | null = null;
  if (nextLink !== undefined) {
    if (typeof nextLink !== "string" || !isSearchUrl(nextLink)) {
      throw new SourceDataError(source, "_links.next.href", `${JSON.stringify(nextLink)} is not a search URL of ${BRREG_API}/enheter; Atlas follows no other link`);
    }
    const nextPage = Number(new URL(nextLink).searchParams.get("page"));
    if (nextPage !== number + 1) throw new SourceDataError(source, "_links.next.href", `points to page ${nextPage}, not ${number + 1}`);
    next = nextLink;
  }
  if (!isLast && next === null) throw new SourceDataError(source, "_links.next", `is missing on page ${number} of ${totalPages}`);
  if (isLast && next !== null) throw new SourceDataError(source, "_links.next", `is present on the last page (${number} of ${totalPages})`);
  return { entities: items.map((item, i) => parseEntity(source, item, `_embedded.enheter[${i}]`)), size, totalElements, totalPages, number, next };
}

/**
 * Asset selection syntax (see docs/selection.md): keys, `group:`, `tag:`, `owner:`, `kind:`,
 * `+key` / `key+` with optional depth (`+2key`, `key+1`), `*`, unions with commas.
 *
 * Parsing needs no graph (so the SDK can reject a malformed schedule target at declaration
 * time); resolving checks every term against the graph, because a typo that silently selects
 * nothing is worse than an error.
 */
import type { AssetGraph } from "./asset-graph.js";
import { parseAssetKey } from "./asset-key.js";
import { didYouMeanSuffix } from "./did-you-mean.js";
import { InvalidAssetKeyError, InvalidSelectionError } from "./errors.js";

/** What one term names before traversal. */
export type SelectionAtom =
  | { kind: "all" }
  | { kind: "key"; key: string }
  | { kind: "group"; value: string }
  | { kind: "tag"; key: string; value: string | null }
  | { kind: "owner"; value: string }
  | { kind: "kind"; value: string };

/** One comma-separated term. Depths: 0 = no traversal, `Infinity` = unlimited. */
export interface SelectionTerm {
  atom: SelectionAtom;
  upstreamDepth: number;
  downstreamDepth: number;
  /** The term as written (trimmed), for error messages. */
  text: string;
  /**
   * For `+2023_sales`: the whole `2023_sales` read as a key with unlimited upstream. Used when
   * the depth reading names no asset but this one does.
   */
  alternativeKey?: string;
}

const KEY_CHAR = /[A-Za-z0-9_.\-/]/;
const DIGIT = /[0-9]/;
const WHITESPACE = /\s/;
/** Characters that end an attribute value (quote a value to use them). */
const VALUE_STOP = /[\s,+="]/;
const ATTRIBUTES = ["group", "tag", "owner", "kind"] as const;

class Parser {
  private pos = 0;
  constructor(private readonly source: string) {}

  parse(): SelectionTerm[] {
    this.skipWhitespace();
    if (this.atEnd()) this.fail("the expression is empty; use * to select every asset");
    const terms: SelectionTerm[] = [];
    for (;;) {
      terms.push(this.term());
      this.skipWhitespace();
      if (this.atEnd()) return terms;
      if (this.peek() !== ",") this.fail(`unexpected ${JSON.stringify(this.peek())}; separate terms with commas`);
      this.pos++;
      this.skipWhitespace();
      if (this.atEnd()) this.fail("expected a term after the last comma");
    }
  }

  private term(): SelectionTerm {
    const start = this.pos;
    let upstreamDepth = 0;
    let alternativePrefix: string | null = null;
    if (this.peek() === "+") {
      this.pos++;
      const digits = this.read(DIGIT);
      upstreamDepth = digits === "" ? Number.POSITIVE_INFINITY : Number(digits);
      // `+2024` or `+2023_sales`: the digits may belong to the key.
      if (digits !== "" && (this.atEnd() || KEY_CHAR.test(this.peek()) || this.peek() === "," || WHITESPACE.test(this.peek()))) {
        alternativePrefix = digits;
      }
      this.skipWhitespace();
    }
    let atom: SelectionAtom;
    let alternativeKey: string | undefined;
    if (alternativePrefix !== null && (this.atEnd() || this.peek() === "," || this.peek() === "+")) {
      // `+2024` alone: the digits are the key, traversal unlimited.
      atom = this.keyAtom(alternativePrefix, start + 1);
      upstreamDepth = Number.POSITIVE_INFINITY;
    } else {
      atom = this.atom();
      if (alternativePrefix !== null && atom.kind === "key" && !WHITESPACE.test(this.source[start + 1 + alternativePrefix.length] ?? "")) {
        alternativeKey = alternativePrefix + atom.key;
      }
    }
    this.skipWhitespace();
    let downstreamDepth = 0;
    if (this.peek() === "+") {
      this.pos++;
      const digits = this.read(DIGIT);
      downstreamDepth = digits === "" ? Number.POSITIVE_INFINITY : Number(digits);
    }
    const term: SelectionTerm = { atom, upstreamDepth, downstreamDepth, text: this.source.slice(start, this.pos).trim() };
    if (alternativeKey !== undefined) term.alternativeKey = alternativeKey;
    return term;
  }

  private atom(): SelectionAtom {
    if (this.peek() === "*") {
      this.pos++;
      return { kind: "all" };
    }
    const start = this.pos;
    const word = this.read(KEY_CHAR);
    if (this.peek() === ":") {
      const attribute = ATTRIBUTES.find((a) => a === word);
      if (attribute === undefined) {
        this.pos = start;
        this.fail(
          `unknown attribute ${JSON.stringify(`${word}:`)}${didYouMeanSuffix(word, ATTRIBUTES)}; ` +
            "use group:, tag:, owner: or kind:",
        );
      }
      this.pos++;
      this.skipWhitespace();
      if (attribute === "tag") {
        const key = this.value("a tag name after tag:");
        this.skipWhitespace();
        if (this.peek() !== "=") return { kind: "tag", key, value: null };
        this.pos++;
        this.skipWhitespace();
        return { kind: "tag", key, value: this.value(`a value after tag:${key}=`) };
      }
      return { kind: attribute, value: this.value(`a value after ${attribute}:`) };
    }
    if (word === "") {
      this.fail(
        this.atEnd()
          ? "expected an asset key, *, group:, tag:, owner: or kind: at the end"
          : `unexpected ${JSON.stringify(this.peek())}; expected an asset key, *, group:, tag:, owner: or kind:`,
      );
    }
    return this.keyAtom(word, start);
  }

  private keyAtom(key: string, at: number): SelectionAtom {
    try {
      parseAssetKey(key);
    } catch (error) {
      if (!(error instanceof InvalidAssetKeyError)) throw error;
      this.pos = at;
      this.fail(`${JSON.stringify(key)} is not a valid asset key: ${error.reason}`);
    }
    return { kind: "key", key };
  }

  /** A bare value up to a delimiter, or a double-quoted one (JSON string rules). */
  private value(what: string): string {
    if (this.peek() === '"') {
      const start = this.pos;
      let end = start + 1;
      while (end < this.source.length && this.source[end] !== '"') end += this.source[end] === "\\" ? 2 : 1;
      if (end >= this.source.length) this.fail("unterminated quoted value");
      let parsed: unknown;
      try {
        parsed = JSON.parse(this.source.slice(start, end + 1));
      } catch {
        this.fail("invalid escape in quoted value");
      }
      this.pos = end + 1;
      if (parsed === "") {
        this.pos = start;
        this.fail(`expected ${what}, got an empty string`);
      }
      return parsed as string;
    }
    let end = this.pos;
    while (end < this.source.length && !VALUE_STOP.test(this.source[end]!)) end++;
    if (end === this.pos) this.fail(`expected ${what}`);
    const value = this.source.slice(this.pos, end);
    this.pos = end;
    return value;
  }

  private read(pattern: RegExp): string {
    const start = this.pos;
    while (!this.atEnd() && pattern.test(this.peek())) this.pos++;
    return this.source.slice(start, this.pos);
  }

  private skipWhitespace(): void {
    this.read(WHITESPACE);
  }

  private peek(): string {
    return this.source[this.pos] ?? "";
  }

  private atEnd(): boolean {
    return this.pos >= this.source.length;
  }

  private fail(reason: string): never {
    // Columns count from 1; the caret line makes the spot obvious in a terminal.
    const column = this.pos + 1;
    throw new InvalidSelectionError(
      this.source,
      `${reason} (at position ${column})\n  ${this.source}\n  ${" ".repeat(this.pos)}^`,
    );
  }
}

/**
 * Parses a selection expression without a graph.
 * @throws InvalidSelectionError naming the position of the first syntax error.
 */
export function parseSelection(expression: string): SelectionTerm[] {
  if (typeof expression !== "string") {
    throw new InvalidSelectionError(String(expression), "a selection must be a string");
  }
  return new Parser(expression).parse();
}

function printTerm(atom: SelectionAtom): string {
  switch (atom.kind) {
    case "all":
      return "*";
    case "key":
      return atom.key;
    case "tag":
      return atom.value === null ? `tag:${atom.key}` : `tag:${atom.key}=${atom.value}`;
    case "group":
    case "owner":
    case "kind":
      return `${atom.kind}:${atom.value}`;
  }
}

function matchAtom(graph: AssetGraph, atom: SelectionAtom): string[] {
  const out: string[] = [];
  for (const node of graph.nodes.values()) {
    let hit: boolean;
    switch (atom.kind) {
      case "all":
        hit = true;
        break;
      case "key":
        hit = node.key === atom.key;
        break;
      case "group":
        hit = node.group === atom.value;
        break;
      case "owner":
        hit = node.owners.includes(atom.value);
        break;
      case "kind":
        hit = node.kinds.includes(atom.value);
        break;
      case "tag":
        hit = Object.hasOwn(node.tags, atom.key) && (atom.value === null || node.tags[atom.key] === atom.value);
        break;
    }
    if (hit) out.push(node.key);
  }
  return out;
}

/** What a term that matched nothing might have meant, for the error message. */
function suggestionFor(graph: AssetGraph, atom: SelectionAtom): string {
  const nodes = [...graph.nodes.values()];
  switch (atom.kind) {
    case "all":
      return "";
    case "key":
      return didYouMeanSuffix(atom.key, graph.nodes.keys());
    case "group":
      return didYouMeanSuffix(printTerm(atom), new Set(nodes.map((n) => `group:${n.group}`)));
    case "owner":
      return didYouMeanSuffix(printTerm(atom), new Set(nodes.flatMap((n) => n.owners.map((o) => `owner:${o}`))));
    case "kind":
      return didYouMeanSuffix(printTerm(atom), new Set(nodes.flatMap((n) => n.kinds.map((k) => `kind:${k}`))));
    case "tag": {
      const candidates = new Set(
        nodes.flatMap((n) => Object.entries(n.tags).map(([k, v]) => (atom.value === null ? `tag:${k}` : `tag:${k}=${v}`))),
      );
      return didYouMeanSuffix(printTerm(atom), candidates);
    }
  }
}

/** Keys reachable from `start` within `depth` hops (breadth-first, so a short path wins over a long one). */
function traverse(graph: AssetGraph, start: readonly string[], depth: number, direction: "up" | "down"): string[] {
  const seen = new Set(start);
  let frontier = [...start];
  for (let level = 0; level < depth && frontier.length > 0; level++) {
    const next: string[] = [];
    for (const key of frontier) {
      const neighbours = direction === "up" ? graph.upstreamOf(key) : graph.downstreamOf(key);
      for (const neighbour of neighbours) {
        // Deps may name assets outside this graph (other code locations); they cannot be selected here.
        if (!seen.has(neighbour) && graph.nodes.has(neighbour)) {
          seen.add(neighbour);
          next.push(neighbour);
        }
      }
    }
    frontier = next;
  }
  return [...seen];
}

/**
 * Resolves a selection expression to the set of printed asset keys it matches (sorted).
 * @throws InvalidSelectionError when the expression is malformed, names an unknown key
 *   (with a did-you-mean), has a term that matches no asset, or matches nothing.
 */
export function resolveSelection(graph: AssetGraph, expression: string): Set<string> {
  const terms = parseSelection(expression);
  const selected = new Set<string>();
  for (const term of terms) {
    let atom = term.atom;
    let upstreamDepth = term.upstreamDepth;
    if (atom.kind === "key" && !graph.nodes.has(atom.key) && term.alternativeKey !== undefined && graph.nodes.has(term.alternativeKey)) {
      atom = { kind: "key", key: term.alternativeKey };
      upstreamDepth = Number.POSITIVE_INFINITY;
    }
    const base = matchAtom(graph, atom);
    if (base.length === 0) {
      if (atom.kind === "all") throw new InvalidSelectionError(expression, "matches no asset (there are no assets)");
      const what = atom.kind === "key" ? `unknown asset key ${JSON.stringify(atom.key)}` : `${printTerm(atom)} matches no asset`;
      throw new InvalidSelectionError(expression, `${what}${suggestionFor(graph, atom)}`);
    }
    for (const key of base) selected.add(key);
    if (upstreamDepth > 0) for (const key of traverse(graph, base, upstreamDepth, "up")) selected.add(key);
    if (term.downstreamDepth > 0) for (const key of traverse(graph, base, term.downstreamDepth, "down")) selected.add(key);
  }
  if (selected.size === 0) throw new InvalidSelectionError(expression, "matches no asset");
  return new Set([...selected].sort());
}

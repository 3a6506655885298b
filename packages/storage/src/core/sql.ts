/**
 * SQL text with its parameters kept together, written once for every backend. Values interpolated
 * into the `sql` template become parameters (`?`); a nested `Sql` (a dialect's fragment, `raw`
 * text) is inlined with its own parameters in order. Backends with numbered placeholders rewrite
 * `?` to `$1…$n` once per text (`numberedPlaceholders`), so one statement serves both.
 */

export class Sql {
  constructor(
    readonly text: string,
    readonly params: readonly unknown[],
  ) {}
}

export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  let text = strings[0] ?? "";
  const params: unknown[] = [];
  values.forEach((value, i) => {
    if (value instanceof Sql) {
      text += value.text;
      params.push(...value.params);
    } else {
      text += "?";
      params.push(value);
    }
    text += strings[i + 1] ?? "";
  });
  return new Sql(text, params);
}

/** Trusted SQL text (identifiers, keywords, a dialect's expressions): never user input. */
export function raw(text: string): Sql {
  return new Sql(text, []);
}

export function joinSql(parts: readonly Sql[], separator: string): Sql {
  return new Sql(
    parts.map((p) => p.text).join(separator),
    parts.flatMap((p) => p.params),
  );
}

const numbered = new Map<string, string>();

/**
 * `?` → `$1…$n`, cached per text. Flyt's SQL has no `?` inside string literals or operators (no
 * JSONB `?` operator), so every `?` is a placeholder.
 */
export function numberedPlaceholders(text: string): string {
  let out = numbered.get(text);
  if (out === undefined) {
    let n = 0;
    out = text.replace(/\?/g, () => `$${++n}`);
    if (numbered.size > 2_000) numbered.clear();
    numbered.set(text, out);
  }
  return out;
}

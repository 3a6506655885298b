/**
 * Node cards' geometry: an asset's full key wrapped onto as many lines as it needs (breaking after
 * `/`, `_`, `-` or `.`, and inside a segment only when the segment alone is wider than the card),
 * never shortened, and the card's height from its line count. Measured with the same font the card
 * is drawn with, and the card draws exactly these lines, so what is laid out is what is shown.
 */
import { NODE_W } from "./layout.js";

export const CARD_FONT = `600 13px system-ui, -apple-system, "Segoe UI", sans-serif`;
export const CARD_LINE = 17;
export const CARD_PAD_X = 10;
/** Status border on the left plus padding on both sides, and a little slack for font rounding. */
const TEXT_WIDTH = NODE_W - 6 - CARD_PAD_X * 2 - 4;
export const CARD_META_ROWS = 3;
export const CARD_META_LINE = 16;

let context: CanvasRenderingContext2D | null = null;
function measure(text: string): number {
  if (context === null) {
    context = document.createElement("canvas").getContext("2d")!;
    context.font = CARD_FONT;
  }
  return context.measureText(text).width;
}

/** The lines of a key on a card; joined, they are the key. */
export function wrapName(key: string, width = TEXT_WIDTH, measureText: (s: string) => number = measure): string[] {
  const tokens = key.match(/[^/_.-]*[/_.-]|[^/_.-]+$/g) ?? [key];
  const lines: string[] = [];
  let line = "";
  for (const token of tokens) {
    if (measureText(line + token) <= width) {
      line += token;
      continue;
    }
    if (line !== "") lines.push(line);
    // A segment wider than the card on its own: broken between characters.
    let rest = token;
    while (measureText(rest) > width) {
      let cut = rest.length - 1;
      while (cut > 1 && measureText(rest.slice(0, cut)) > width) cut--;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    line = rest;
  }
  if (line !== "") lines.push(line);
  return lines;
}

/** Padding 8 above and below and a 1 px border (lineage.css), the name lines, the detail rows. */
export function cardHeight(lines: number): number {
  return 1 + 8 + lines * CARD_LINE + CARD_META_ROWS * CARD_META_LINE + 8 + 1;
}

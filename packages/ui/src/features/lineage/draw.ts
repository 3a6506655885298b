/**
 * The canvas layer of the lineage: group boxes, edges and (zoomed out) assets as status-coloured
 * blocks. Edges between groups are bundled: one trunk per pair of groups, as wide as the log of the
 * edges it carries and labelled with their number, leaving the source box on its right side and
 * entering the target box on its left; each asset edge joins its trunk through a thin fan inside
 * its box. Zoomed in, the assets themselves are DOM cards drawn over this canvas (Lineage.tsx), so
 * the canvas then draws only their edges and highlight rings. Everything is batched by colour and
 * culled to the viewport, so a frame at 10,000 assets stays within budget.
 */
import type { AssetStatus } from "../../api.js";
import type { DisplayGraph } from "./groups.js";
import { GROUP_HEADER, type GroupBox, type LayoutOutput } from "./layout.js";

export interface View {
  x: number;
  y: number;
  k: number;
}

export interface Bundle {
  from: number;
  to: number;
  count: number;
  /**
   * The target is also reachable from the source through other groups: drawn only while one of
   * its two groups is selected. In a dense graph of groups (each domain reading most earlier ones)
   * this leaves the chain that explains the order instead of a web of every pair.
   */
  indirect: boolean;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** Everything drawn that depends only on the layout: sizes, the box of each node, bundles and fan segments. */
export interface Scene {
  positions: Float32Array;
  widths: Float32Array;
  heights: Float32Array;
  boxes: GroupBox[];
  /** Box index of each drawn node (-1 in focus mode, which has no boxes). */
  boxOf: Int32Array;
  /** Edges drawn node to node (inside a group, or everything in focus mode). */
  direct: Int32Array;
  bundles: Bundle[];
  /** Fan segments x1, y1, x2, y2, bundle index: an asset to its bundle's port. */
  fans: Float32Array;
  width: number;
  height: number;
}

export function buildScene(display: DisplayGraph, out: LayoutOutput, widths: Float32Array, heights: Float32Array): Scene {
  const n = display.nodes.length;
  const pos = out.positions;
  const boxOf = new Int32Array(n).fill(-1);
  const boxIndex = new Map(out.boxes.map((b, i) => [b.group, i]));
  if (out.boxes.length > 0) display.nodes.forEach((node, i) => (boxOf[i] = boxIndex.get(node.group) ?? -1));
  const direct: number[] = [];
  const byPair = new Map<number, { from: number; to: number; edges: number[] }>();
  const nb = out.boxes.length;
  for (let e = 0; e < display.edges.length; e += 2) {
    const a = display.edges[e]!, b = display.edges[e + 1]!;
    const ga = boxOf[a]!, gb = boxOf[b]!;
    if (ga < 0 || ga === gb) {
      direct.push(a, b);
      continue;
    }
    const id = ga * nb + gb;
    let pair = byPair.get(id);
    if (!pair) byPair.set(id, (pair = { from: ga, to: gb, edges: [] }));
    pair.edges.push(a, b);
  }
  // Ports: a box's outgoing trunks spread down its right side in the order of their targets' height, incoming down its left.
  const outgoing: number[][] = out.boxes.map(() => []);
  const incoming: number[][] = out.boxes.map(() => []);
  const pairs = [...byPair.values()];
  pairs.forEach((p, i) => {
    outgoing[p.from]!.push(i);
    incoming[p.to]!.push(i);
  });
  const centreY = (g: number) => out.boxes[g]!.y + out.boxes[g]!.h / 2;
  const portY = (box: GroupBox, i: number, m: number) => {
    const top = box.node >= 0 ? box.y : box.y + GROUP_HEADER;
    return top + ((i + 1) * (box.y + box.h - top)) / (m + 1);
  };
  const y1 = new Float64Array(pairs.length);
  const y2 = new Float64Array(pairs.length);
  out.boxes.forEach((box, g) => {
    const outs = outgoing[g]!.sort((a, b) => centreY(pairs[a]!.to) - centreY(pairs[b]!.to));
    outs.forEach((p, i) => (y1[p] = portY(box, i, outs.length)));
    const ins = incoming[g]!.sort((a, b) => centreY(pairs[a]!.from) - centreY(pairs[b]!.from));
    ins.forEach((p, i) => (y2[p] = portY(box, i, ins.length)));
  });
  // Reachability between groups without the direct link (skipped for very many groups: quadratic).
  const next: number[][] = out.boxes.map(() => []);
  for (const p of pairs) next[p.from]!.push(p.to);
  const indirect = (a: number, b: number): boolean => {
    if (nb > 400) return false;
    const seen = new Uint8Array(nb);
    const stack = next[a]!.filter((w) => w !== b);
    for (const w of stack) seen[w] = 1;
    while (stack.length > 0) {
      const v = stack.pop()!;
      if (v === b) return true;
      for (const w of next[v]!) {
        if (seen[w] === 0) {
          seen[w] = 1;
          stack.push(w);
        }
      }
    }
    return false;
  };
  const bundles: Bundle[] = [];
  const fans: number[] = [];
  pairs.forEach((p, i) => {
    const A = out.boxes[p.from]!, B = out.boxes[p.to]!;
    const bundle = { from: p.from, to: p.to, count: p.edges.length / 2, indirect: indirect(p.from, p.to), x1: A.x + A.w, y1: y1[i]!, x2: B.x, y2: y2[i]! };
    bundles.push(bundle);
    const seenFrom = new Set<number>();
    const seenTo = new Set<number>();
    for (let e = 0; e < p.edges.length; e += 2) {
      const a = p.edges[e]!, b = p.edges[e + 1]!;
      if (A.node < 0 && !seenFrom.has(a)) {
        seenFrom.add(a);
        fans.push(pos[a * 2]! + widths[a]!, pos[a * 2 + 1]! + heights[a]! / 2, bundle.x1, bundle.y1, i);
      }
      if (B.node < 0 && !seenTo.has(b)) {
        seenTo.add(b);
        fans.push(bundle.x2, bundle.y2, pos[b * 2]!, pos[b * 2 + 1]! + heights[b]! / 2, i);
      }
    }
  });
  return { positions: pos, widths, heights, boxes: out.boxes, boxOf, direct: Int32Array.from(direct), bundles, fans: Float32Array.from(fans), width: out.width, height: out.height };
}

/**
 * The drawn nodes a lasso takes: those whose centre lies inside the rectangle (graph coordinates,
 * corners in any order). The centre rather than any overlap, so a rectangle drawn around a few
 * cards does not also take a neighbour it grazes.
 */
export function nodesInRect(scene: Scene, count: number, r: { x0: number; y0: number; x1: number; y1: number }): number[] {
  const x0 = Math.min(r.x0, r.x1), x1 = Math.max(r.x0, r.x1), y0 = Math.min(r.y0, r.y1), y1 = Math.max(r.y0, r.y1);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const cx = scene.positions[i * 2]! + scene.widths[i]! / 2, cy = scene.positions[i * 2 + 1]! + scene.heights[i]! / 2;
    if (cx >= x0 && cx <= x1 && cy >= y0 && cy <= y1) out.push(i);
  }
  return out;
}

export interface Colors {
  fg: string;
  bg: string;
  line: string;
  muted: string;
  panel: string;
  accent: string;
  bad: string;
  warn: string;
  status: Record<AssetStatus, string>;
}

export function readColors(): Colors {
  const css = getComputedStyle(document.documentElement);
  const color = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    fg: color("--fg", "#1b1f24"),
    bg: color("--bg", "#fff"),
    line: color("--line", "#d8dde3"),
    muted: color("--muted", "#5d6670"),
    panel: color("--panel", "#f5f7f9"),
    accent: color("--accent", "#2458d6"),
    bad: color("--bad", "#cf222e"),
    warn: color("--warn", "#8a5c00"),
    status: { FAILED: color("--bad", "#cf222e"), IN_PROGRESS: color("--run", "#0969da"), MATERIALIZED: color("--ok", "#1a7f37"), NEVER_MATERIALIZED: color("--none", "#8c959f") },
  };
}

export interface DrawState {
  display: DisplayGraph;
  scene: Scene;
  view: View;
  width: number;
  height: number;
  colors: Colors;
  /** Whether assets are DOM cards now (zoomed in): the canvas then leaves their inside to them. */
  cards: boolean;
  /** Drawn nodes to ring: search matches, and the keyboard's current node. */
  matches: ReadonlySet<number>;
  current: number;
  focus: number;
  /** Drawn nodes holding picked assets (the multi-selection to launch), with how many each holds. */
  picked: ReadonlyMap<number, number>;
  /** Edge labels of partition mappings, by `fromKey\0toKey`. */
  mappingLabels: Map<string, string>;
}

const STATUSES: AssetStatus[] = ["MATERIALIZED", "NEVER_MATERIALIZED", "IN_PROGRESS", "FAILED"];

export function drawScene(ctx: CanvasRenderingContext2D, dpr: number, s: DrawState): void {
  const { scene, view, colors, display } = s;
  const { x, y, k } = view;
  const pos = scene.positions;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, s.width, s.height);
  ctx.setTransform(dpr * k, 0, 0, dpr * k, dpr * x, dpr * y);
  const minX = -x / k, maxX = (s.width - x) / k, minY = -y / k, maxY = (s.height - y) / k;
  const inView = (nx: number, ny: number, w: number, h: number) => nx + w >= minX && nx <= maxX && ny + h >= minY && ny <= maxY;
  const nodeInView = (i: number) => inView(pos[i * 2]!, pos[i * 2 + 1]!, scene.widths[i]!, scene.heights[i]!);
  const px = 1 / k;

  // Group boxes: an expanded group a tinted frame, a collapsed one a card with its status strip.
  const matchedBoxes = new Set<number>();
  const currentBox = s.current >= 0 ? scene.boxes.findIndex((b) => b.node === s.current) : -1;
  for (const i of s.matches) if (scene.boxOf[i]! >= 0) matchedBoxes.add(scene.boxOf[i]!);
  scene.boxes.forEach((box, g) => {
    if (!inView(box.x, box.y, box.w, box.h)) return;
    ctx.fillStyle = colors.panel;
    ctx.fillRect(box.x, box.y, box.w, box.h);
    const node = box.node >= 0 ? display.nodes[box.node] : undefined;
    const lit = matchedBoxes.has(g) || g === currentBox;
    ctx.lineWidth = (lit ? 3 : 1) * px;
    ctx.strokeStyle = lit ? colors.accent : colors.line;
    ctx.strokeRect(box.x, box.y, box.w, box.h);
    if (node?.kind === "group") {
      let sx = box.x;
      const strip = Math.max(6, 6 * px);
      for (const status of ["MATERIALIZED", "IN_PROGRESS", "FAILED", "NEVER_MATERIALIZED"] as const) {
        const sw = (box.w * node.counts[status]) / node.count;
        ctx.fillStyle = colors.status[status];
        ctx.fillRect(sx, box.y + box.h - strip, sw, strip);
        sx += sw;
      }
      ctx.fillStyle = colors.status[node.status];
      ctx.fillRect(box.x, box.y, Math.max(6, 6 * px), box.h - strip);
    }
  });

  // Trunks between groups: the selected group's all in the accent colour, else the direct ones.
  const selectedBox = currentBox >= 0 ? currentBox : s.current >= 0 ? scene.boxOf[s.current]! : -1;
  for (const b of scene.bundles) {
    const mine = selectedBox >= 0 && (b.from === selectedBox || b.to === selectedBox);
    if (b.indirect && !mine) continue;
    ctx.strokeStyle = mine ? colors.accent : colors.muted;
    ctx.globalAlpha = mine ? 0.9 : 0.55;
    if (!inView(Math.min(b.x1, b.x2), Math.min(b.y1, b.y2), Math.abs(b.x2 - b.x1), Math.abs(b.y2 - b.y1))) continue;
    ctx.lineWidth = (1 + Math.log2(b.count)) * px;
    const bend = Math.max(60, Math.abs(b.x2 - b.x1) / 2);
    ctx.beginPath();
    ctx.moveTo(b.x1, b.y1);
    ctx.bezierCurveTo(b.x1 + bend, b.y1, b.x2 - bend, b.y2, b.x2, b.y2);
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  if (k >= 0.3) {
    ctx.font = `${11 * px}px system-ui, sans-serif`;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (const b of scene.bundles) {
      if (b.count < 2 || (b.indirect && !(selectedBox >= 0 && (b.from === selectedBox || b.to === selectedBox)))) continue;
      const mx = (b.x1 + b.x2) / 2, my = (b.y1 + b.y2) / 2;
      if (!inView(mx - 20, my - 10, 40, 20)) continue;
      const label = String(b.count);
      const tw = ctx.measureText(label).width + 6 * px;
      ctx.fillStyle = colors.bg;
      ctx.fillRect(mx - tw / 2, my - 8 * px, tw, 16 * px);
      ctx.fillStyle = colors.muted;
      ctx.fillText(label, mx, my);
    }
    ctx.textAlign = "start";
  }

  // Asset edges (inside groups) and fans, skipped when zoomed so far out that they would be a smear.
  const edgeCount = scene.direct.length / 2 + scene.fans.length / 5;
  if (k > 0.12 || edgeCount < 3000) {
    ctx.lineWidth = px;
    ctx.strokeStyle = colors.muted;
    ctx.globalAlpha = k < 0.3 ? 0.35 : 0.75;
    ctx.beginPath();
    const curve = k > 0.3;
    for (let e = 0; e < scene.direct.length; e += 2) {
      const a = scene.direct[e]!, b = scene.direct[e + 1]!;
      const x1 = pos[a * 2]! + scene.widths[a]!, y1 = pos[a * 2 + 1]! + scene.heights[a]! / 2, x2 = pos[b * 2]!, y2 = pos[b * 2 + 1]! + scene.heights[b]! / 2;
      if (!inView(Math.min(x1, x2), Math.min(y1, y2), Math.abs(x2 - x1), Math.abs(y2 - y1))) continue;
      ctx.moveTo(x1, y1);
      if (curve) ctx.bezierCurveTo(x1 + 40, y1, x2 - 40, y2, x2, y2);
      else ctx.lineTo(x2, y2);
    }
    const f = scene.fans;
    for (let i = 0; i < f.length; i += 5) {
      const b = scene.bundles[f[i + 4]!]!;
      if (b.indirect && !(selectedBox >= 0 && (b.from === selectedBox || b.to === selectedBox))) continue;
      const x1 = f[i]!, y1 = f[i + 1]!, x2 = f[i + 2]!, y2 = f[i + 3]!;
      if (!inView(Math.min(x1, x2), Math.min(y1, y2), Math.abs(x2 - x1), Math.abs(y2 - y1))) continue;
      ctx.moveTo(x1, y1);
      if (curve) ctx.bezierCurveTo((x1 + x2) / 2, y1, (x1 + x2) / 2, y2, x2, y2);
      else ctx.lineTo(x2, y2);
    }
    ctx.stroke();
    ctx.globalAlpha = 1;
  }

  // Partition mapping labels on edges, zoomed in ("daily → monthly").
  if (s.cards && s.mappingLabels.size > 0) {
    ctx.font = "10px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (let e = 0; e < scene.direct.length; e += 2) {
      const a = scene.direct[e]!, b = scene.direct[e + 1]!;
      const from = display.nodes[a], to = display.nodes[b];
      if (from?.kind !== "asset" || to?.kind !== "asset" || (!nodeInView(a) && !nodeInView(b))) continue;
      let label = s.mappingLabels.get(`${from.key}\u0000${to.key}`);
      if (label === undefined) continue;
      const gap = Math.max(20, pos[b * 2]! - pos[a * 2]! - scene.widths[a]! - 6);
      while (label.length > 1 && ctx.measureText(label).width > gap) label = `${label.slice(0, -2)}…`;
      const w = ctx.measureText(label).width;
      const mx = (pos[a * 2]! + scene.widths[a]! + pos[b * 2]!) / 2, my = (pos[a * 2 + 1]! + scene.heights[a]! / 2 + pos[b * 2 + 1]! + scene.heights[b]! / 2) / 2;
      ctx.fillStyle = colors.bg;
      ctx.fillRect(mx - w / 2 - 2, my - 6, w + 4, 12);
      ctx.fillStyle = colors.muted;
      ctx.fillText(label, mx, my);
    }
    ctx.textAlign = "start";
  }

  // Picked assets: an accent halo under the block or card (rings are for matches and the cursor, so
  // a picked asset that is also a match shows both).
  if (s.picked.size > 0) {
    ctx.fillStyle = colors.accent;
    ctx.globalAlpha = 0.45;
    const pad = Math.max(4 * px, 2);
    for (const i of s.picked.keys()) {
      if (display.nodes[i]?.kind !== "asset" || !nodeInView(i)) continue;
      ctx.fillRect(pos[i * 2]! - pad, pos[i * 2 + 1]! - pad, scene.widths[i]! + 2 * pad, scene.heights[i]! + 2 * pad);
    }
    ctx.globalAlpha = 1;
  }

  // Assets as blocks, one path per status colour.
  if (!s.cards) {
    for (const status of STATUSES) {
      ctx.fillStyle = colors.status[status];
      ctx.beginPath();
      display.nodes.forEach((node, i) => {
        if (node.kind !== "asset" || node.status !== status || !nodeInView(i)) return;
        ctx.rect(pos[i * 2]!, pos[i * 2 + 1]!, scene.widths[i]!, scene.heights[i]!);
      });
      ctx.fill();
    }
  }

  // Rings: search matches, the focused asset, the keyboard's current node (at least 2 px on screen).
  const ring = (i: number, color: string, width: number) => {
    if (i < 0 || !nodeInView(i)) return;
    ctx.strokeStyle = color;
    ctx.lineWidth = width * px;
    const pad = (width / 2 + 1) * px;
    ctx.strokeRect(pos[i * 2]! - pad, pos[i * 2 + 1]! - pad, scene.widths[i]! + 2 * pad, scene.heights[i]! + 2 * pad);
  };
  for (const i of s.matches) if (display.nodes[i]?.kind === "asset") ring(i, colors.warn, 3);
  // A collapsed group holding picked assets: a dashed accent frame (its label says how many).
  ctx.setLineDash([6 * px, 4 * px]);
  for (const i of s.picked.keys()) if (display.nodes[i]?.kind === "group") ring(i, colors.accent, 3);
  ctx.setLineDash([]);
  ring(s.focus, colors.accent, 3);
  ring(s.current, colors.fg, 2);
}

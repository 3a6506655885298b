/**
 * Group-aware layered layout, linear in nodes + edges (plus a small search over the shape), run in
 * a Web Worker (layout-worker.ts) so the page stays responsive at 10,000 assets.
 *
 * Two levels. Inside each expanded group its assets are laid out in layers (longest path, upstream
 * left, one barycenter pass per layer against crossings); the group becomes a box around them with
 * room for its label. A collapsed group is one box. Then the groups themselves are laid out in
 * layers by the edges between them. A graph of groups is often a long chain (every domain reads the
 * previous ones) or one tall column (independent domains), either of which fits a screen only as a
 * thin strip; so at the top level a column taller than the screen's shape allows is split into
 * side-by-side columns and a row of columns wider than it allows is wrapped into bands, choosing the
 * split that lets the whole fit at the largest zoom. Cycles (between groups they are common: A reads
 * B's raw tables and B reads A's marts) are broken at their back edges before layering.
 */

export interface LayoutRequest {
  id: number;
  /** "grouped": group boxes (expanded or collapsed); "flat": every node on its own (focus mode). */
  mode: "grouped" | "flat";
  /** Per drawn node: its key (stable order between equal barycenters), group, whether it is a collapsed group. */
  keys: string[];
  groups: string[];
  collapsed: Uint8Array;
  widths: Float32Array;
  heights: Float32Array;
  /** Pairs of node indexes (from upstream, to downstream). */
  edges: Int32Array;
  /** The viewport (CSS pixels) the first view must fit: the layout's shape is chosen for it. */
  viewport: { width: number; height: number };
  /** The largest zoom the first view uses: beyond it, a bigger picture is no better. */
  maxZoom: number;
}

export interface GroupBox {
  group: string;
  x: number;
  y: number;
  w: number;
  h: number;
  /** The drawn node that is this box when the group is collapsed, else -1. */
  node: number;
}

export interface LayoutOutput {
  id: number;
  /** x, y of node i at [2i], [2i+1]. */
  positions: Float32Array;
  boxes: GroupBox[];
  width: number;
  height: number;
}

export const NODE_W = 212;
export const GROUP_W = 280;
export const GROUP_H = 104;
/** Room above an expanded group's assets for its label, and around them. */
export const GROUP_HEADER = 30;
export const GROUP_PAD = 12;

interface Placement {
  x: Float64Array;
  y: Float64Array;
  width: number;
  height: number;
}

interface LayeredOptions {
  gapX: number;
  gapY: number;
  /** Split tall columns and wrap wide rows so that the whole fits this viewport at the largest zoom (up to maxZoom); undefined: plain layers. */
  viewport?: { width: number; height: number; maxZoom: number };
  /** Whether rows of columns may wrap into bands (top level) or only tall columns split (inside a group). */
  band?: boolean;
}

/** Longest-path layers of a graph whose back edges (found by an iterative DFS) are ignored. */
function layersOf(n: number, from: ArrayLike<number>, to: ArrayLike<number>): { layer: Int32Array; up: number[][] } {
  const down: number[][] = Array.from({ length: n }, () => []);
  for (let e = 0; e < from.length; e++) down[from[e]!]!.push(to[e]!);
  // 0 unvisited, 1 on the DFS stack, 2 done: an edge to a node on the stack closes a cycle.
  const state = new Uint8Array(n);
  const back = new Set<number>();
  const edgeIds: number[][] = Array.from({ length: n }, () => []);
  for (let e = 0; e < from.length; e++) edgeIds[from[e]!]!.push(e);
  for (let root = 0; root < n; root++) {
    if (state[root] !== 0) continue;
    const stack: Array<[number, number]> = [[root, 0]];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [v, i] = top;
      const ids = edgeIds[v]!;
      if (i >= ids.length) {
        state[v] = 2;
        stack.pop();
        continue;
      }
      top[1] = i + 1;
      const e = ids[i]!;
      const w = to[e]!;
      if (state[w] === 1) back.add(e);
      else if (state[w] === 0) {
        state[w] = 1;
        stack.push([w, 0]);
      }
    }
  }
  const indegree = new Int32Array(n);
  const next: number[][] = Array.from({ length: n }, () => []);
  const up: number[][] = Array.from({ length: n }, () => []);
  for (let e = 0; e < from.length; e++) {
    if (back.has(e) || from[e] === to[e]) continue;
    next[from[e]!]!.push(to[e]!);
    up[to[e]!]!.push(from[e]!);
    indegree[to[e]!]!++;
  }
  const layer = new Int32Array(n);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indegree[i] === 0) queue.push(i);
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q]!;
    for (const w of next[v]!) {
      layer[w] = Math.max(layer[w]!, layer[v]! + 1);
      if (--indegree[w]! === 0) queue.push(w);
    }
  }
  return { layer, up };
}

/** Layered placement of n nodes of the given sizes; edges as parallel from/to arrays of node indexes. */
export function layered(n: number, from: ArrayLike<number>, to: ArrayLike<number>, w: ArrayLike<number>, h: ArrayLike<number>, keys: readonly string[], options: LayeredOptions): Placement {
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  if (n === 0) return { x, y, width: 0, height: 0 };
  const { layer, up } = layersOf(n, from, to);
  let layers = 0;
  for (let i = 0; i < n; i++) layers = Math.max(layers, layer[i]! + 1);
  const byLayer: number[][] = Array.from({ length: layers }, () => []);
  for (let i = 0; i < n; i++) byLayer[layer[i]!]!.push(i);
  // Barycenter ordering: each node sits near the mean position of its upstream in earlier layers.
  const order = new Float64Array(n);
  for (let l = 0; l < layers; l++) {
    const score = (v: number): number => {
      const ups = up[v]!;
      if (ups.length === 0) return Number.POSITIVE_INFINITY;
      let sum = 0;
      for (const u of ups) sum += order[u]!;
      return sum / ups.length;
    };
    const scored = byLayer[l]!.map((v) => ({ v, s: score(v), k: keys[v]! }));
    scored.sort((a, b) => (a.s === b.s ? (a.k < b.k ? -1 : a.k > b.k ? 1 : 0) : a.s === Number.POSITIVE_INFINITY ? 1 : b.s === Number.POSITIVE_INFINITY ? -1 : a.s - b.s));
    scored.forEach((entry, index) => {
      order[entry.v] = index;
    });
    byLayer[l] = scored.map((e) => e.v);
  }
  const columnHeight = (nodes: readonly number[]) => nodes.reduce((s, v) => s + h[v]! + options.gapY, -options.gapY);
  const columnWidth = (nodes: readonly number[]) => nodes.reduce((m, v) => Math.max(m, w[v]!), 0);

  let best: { columns: number[][]; bands: number[][]; score: number } | null = null;
  const tallest = Math.max(...byLayer.map(columnHeight));
  const vp = options.viewport;
  const tries = vp === undefined ? [tallest] : [1, 1.5, 2, 3, 4, 6, 8, 12, 16].map((s) => tallest / s);
  for (const limit of tries) {
    // Columns: each layer, split into consecutive parts no taller than `limit`.
    const columns: number[][] = [];
    for (const nodes of byLayer) {
      const parts = Math.max(1, Math.ceil(columnHeight(nodes) / Math.max(1, limit) - 1e-9));
      const per = Math.ceil(nodes.length / parts);
      for (let p = 0; p < nodes.length; p += per) columns.push(nodes.slice(p, p + per));
    }
    const cw = columns.map(columnWidth);
    const ch = columns.map(columnHeight);
    const total = cw.reduce((s, c) => s + c + options.gapX, -options.gapX);
    const candidates: number[][][] = [];
    const maxBands = options.band ? Math.min(columns.length, 24) : 1;
    for (let b = 1; b <= maxBands; b++) {
      const target = total / b;
      const bands: number[][] = [[]];
      let width = 0;
      columns.forEach((_, c) => {
        const current = bands[bands.length - 1]!;
        if (current.length > 0 && width + cw[c]! > target * 1.02 && bands.length < b) {
          bands.push([]);
          width = 0;
        }
        bands[bands.length - 1]!.push(c);
        width += cw[c]! + options.gapX;
      });
      candidates.push(bands);
    }
    for (const bands of candidates) {
      const bw = Math.max(...bands.map((band) => band.reduce((s, c) => s + cw[c]! + options.gapX, -options.gapX)));
      const bh = bands.reduce((s, band) => s + Math.max(...band.map((c) => ch[c]!)) + options.gapY * 3, -options.gapY * 3);
      // The zoom at which the whole fits the viewport (no more than the first view uses); equal zoom: fewer bands and columns.
      const score = vp === undefined ? 1 : Math.min(vp.maxZoom, vp.width / bw, vp.height / bh) * (1 - 0.001 * bands.length - 0.0001 * columns.length);
      if (best === null || score > best.score) best = { columns, bands, score };
    }
  }
  const { columns, bands } = best!;
  let top = 0;
  let width = 0;
  for (const band of bands) {
    const bandHeight = Math.max(...band.map((c) => columnHeight(columns[c]!)));
    let left = 0;
    for (const c of band) {
      const nodes = columns[c]!;
      // Centred in the band, so a short column sits beside the middle of a tall one.
      let cy = top + (bandHeight - columnHeight(nodes)) / 2;
      for (const v of nodes) {
        x[v] = left;
        y[v] = cy;
        cy += h[v]! + options.gapY;
      }
      left += columnWidth(nodes) + options.gapX;
    }
    width = Math.max(width, left - options.gapX);
    top += bandHeight + options.gapY * 3;
  }
  return { x, y, width, height: top - options.gapY * 3 };
}

/** The layout of a drawn graph: group boxes around expanded groups' assets, or every node on its own. */
export function layoutGraph(req: LayoutRequest): LayoutOutput {
  const n = req.keys.length;
  const positions = new Float32Array(n * 2);
  const from: number[] = [];
  const to: number[] = [];
  for (let e = 0; e < req.edges.length; e += 2) {
    from.push(req.edges[e]!);
    to.push(req.edges[e + 1]!);
  }
  if (req.mode === "flat") {
    const p = layered(n, from, to, req.widths, req.heights, req.keys, { gapX: 90, gapY: 16, viewport: { ...req.viewport, maxZoom: req.maxZoom }, band: true });
    for (let i = 0; i < n; i++) {
      positions[i * 2] = p.x[i]!;
      positions[i * 2 + 1] = p.y[i]!;
    }
    return { id: req.id, positions, boxes: [], width: p.width, height: p.height };
  }

  // Inner layouts: each group's members with the edges between them.
  const groupIndex = new Map<string, number>();
  const members: number[][] = [];
  for (let i = 0; i < n; i++) {
    let g = groupIndex.get(req.groups[i]!);
    if (g === undefined) {
      g = members.length;
      groupIndex.set(req.groups[i]!, g);
      members.push([]);
    }
    members[g]!.push(i);
  }
  const groupOf = Int32Array.from(req.groups, (group) => groupIndex.get(group)!);
  const localIndex = new Int32Array(n);
  for (const list of members) list.forEach((v, i) => (localIndex[v] = i));
  const innerEdges: Array<{ from: number[]; to: number[] }> = members.map(() => ({ from: [], to: [] }));
  const topPairs = new Set<number>();
  const topFrom: number[] = [];
  const topTo: number[] = [];
  for (let e = 0; e < from.length; e++) {
    const ga = groupOf[from[e]!]!, gb = groupOf[to[e]!]!;
    if (ga === gb) {
      innerEdges[ga]!.from.push(localIndex[from[e]!]!);
      innerEdges[ga]!.to.push(localIndex[to[e]!]!);
    } else if (!topPairs.has(ga * members.length + gb)) {
      topPairs.add(ga * members.length + gb);
      topFrom.push(ga);
      topTo.push(gb);
    }
  }
  const boxW = new Float64Array(members.length);
  const boxH = new Float64Array(members.length);
  const inner: Array<Placement | null> = members.map((list, g) => {
    if (list.length === 1 && req.collapsed[list[0]!] === 1) {
      boxW[g] = req.widths[list[0]!]!;
      boxH[g] = req.heights[list[0]!]!;
      return null;
    }
    const w = list.map((v) => req.widths[v]!);
    const h = list.map((v) => req.heights[v]!);
    const p = layered(list.length, innerEdges[g]!.from, innerEdges[g]!.to, w, h, list.map((v) => req.keys[v]!), { gapX: 56, gapY: 12, viewport: { width: 1.4, height: 1, maxZoom: Infinity }, band: false });
    boxW[g] = Math.max(GROUP_W, p.width + GROUP_PAD * 2);
    boxH[g] = p.height + GROUP_HEADER + GROUP_PAD;
    return p;
  });
  const groupNames = members.map((list) => req.groups[list[0]!]!);
  const top = layered(members.length, topFrom, topTo, boxW, boxH, groupNames, { gapX: 90, gapY: 30, viewport: { ...req.viewport, maxZoom: req.maxZoom }, band: true });
  const boxes: GroupBox[] = members.map((list, g) => ({ group: groupNames[g]!, x: top.x[g]!, y: top.y[g]!, w: boxW[g]!, h: boxH[g]!, node: inner[g] === null ? list[0]! : -1 }));
  members.forEach((list, g) => {
    const p = inner[g];
    list.forEach((v, i) => {
      positions[v * 2] = top.x[g]! + (p ? GROUP_PAD + p.x[i]! : 0);
      positions[v * 2 + 1] = top.y[g]! + (p ? GROUP_HEADER + p.y[i]! : 0);
    });
  });
  return { id: req.id, positions, boxes, width: top.width, height: top.height };
}

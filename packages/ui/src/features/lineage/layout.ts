/**
 * Layered DAG layout, linear in nodes + edges: longest-path layering (upstream left), then one
 * barycenter pass per layer to reduce crossings, grouped by asset group. Runs in a Web Worker
 * (layout-worker.ts) so the page stays responsive at 10,000 assets.
 */
export interface LayoutInput {
  keys: string[];
  groups: string[];
  /** Edges as pairs of indexes into `keys` (from upstream, to downstream). */
  edges: Int32Array;
}

export interface LayoutOutput {
  /** x, y of node i at [2i], [2i+1]. */
  positions: Float32Array;
  width: number;
  height: number;
}

export const NODE_W = 220;
export const NODE_H = 34;
const GAP_X = 90;
const GAP_Y = 14;

export function layeredLayout(input: LayoutInput): LayoutOutput {
  const n = input.keys.length;
  const indegree = new Int32Array(n);
  const down: number[][] = Array.from({ length: n }, () => []);
  const up: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < input.edges.length; i += 2) {
    const from = input.edges[i]!;
    const to = input.edges[i + 1]!;
    down[from]!.push(to);
    up[to]!.push(from);
    indegree[to]!++;
  }
  const layer = new Int32Array(n);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indegree[i] === 0) queue.push(i);
  let seen = 0;
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q]!;
    seen++;
    for (const w of down[v]!) {
      layer[w] = Math.max(layer[w]!, layer[v]! + 1);
      if (--indegree[w]! === 0) queue.push(w);
    }
  }
  // A cycle (invalid, but never hang): its nodes stay where they are.
  void seen;
  let layers = 0;
  for (let i = 0; i < n; i++) layers = Math.max(layers, layer[i]! + 1);
  const byLayer: number[][] = Array.from({ length: layers }, () => []);
  for (let i = 0; i < n; i++) byLayer[layer[i]!]!.push(i);
  const order = new Float64Array(n);
  for (let l = 0; l < layers; l++) {
    const nodes = byLayer[l]!;
    const score = (v: number): number => {
      const ups = up[v]!;
      if (ups.length === 0) return Number.POSITIVE_INFINITY;
      let sum = 0;
      for (const u of ups) sum += order[u]!;
      return sum / ups.length;
    };
    const scored = nodes.map((v) => ({ v, s: score(v), g: input.groups[v]!, k: input.keys[v]! }));
    scored.sort((a, b) => (a.s === b.s ? (a.g === b.g ? (a.k < b.k ? -1 : 1) : a.g < b.g ? -1 : 1) : a.s === Number.POSITIVE_INFINITY ? 1 : b.s === Number.POSITIVE_INFINITY ? -1 : a.s - b.s));
    scored.forEach((entry, index) => {
      order[entry.v] = index;
    });
    byLayer[l] = scored.map((e) => e.v);
  }
  const positions = new Float32Array(n * 2);
  let height = 0;
  for (let l = 0; l < layers; l++) {
    const nodes = byLayer[l]!;
    nodes.forEach((v, index) => {
      positions[v * 2] = l * (NODE_W + GAP_X);
      positions[v * 2 + 1] = index * (NODE_H + GAP_Y);
    });
    height = Math.max(height, nodes.length * (NODE_H + GAP_Y));
  }
  return { positions, width: layers * (NODE_W + GAP_X), height };
}

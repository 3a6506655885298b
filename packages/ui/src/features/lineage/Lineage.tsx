/**
 * The global lineage graph across every code location: layout in a Web Worker, drawn on one
 * canvas with level of detail (labels only when zoomed in, edges thinned when zoomed far out),
 * pan by dragging, zoom with the wheel, click a node to open the asset, ?focus=<key> to
 * highlight an asset with its up- and downstream. Status colours match the rest of the UI.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { useQuery, type AssetStatus } from "../../api.js";
import { navigate, useLocation } from "../../router.js";
import { NODE_H, NODE_W, type LayoutOutput } from "./layout.js";

const GRAPH = `query Lineage { assetGraph { nodes { key group location status } edges { from to } } }`;

interface GraphData { assetGraph: { nodes: Array<{ key: string; group: string; location: string; status: AssetStatus }>; edges: Array<{ from: string; to: string }> } }

const STATUS_VAR: Record<AssetStatus, string> = { FAILED: "--bad", IN_PROGRESS: "--run", MATERIALIZED: "--ok", NEVER_MATERIALIZED: "--none" };

export function Lineage() {
  const { query } = useLocation();
  const focus = query.get("focus");
  const { data, error } = useQuery<GraphData>(GRAPH, {}, 0);
  const [layout, setLayout] = useState<LayoutOutput | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const view = useRef({ x: 20, y: 20, k: 1 });
  const [ready, setReady] = useState(false);

  const graph = useMemo(() => {
    if (!data) return null;
    const nodes = data.assetGraph.nodes;
    const index = new Map(nodes.map((n, i) => [n.key, i]));
    const pairs: number[] = [];
    for (const e of data.assetGraph.edges) {
      const a = index.get(e.from);
      const b = index.get(e.to);
      if (a !== undefined && b !== undefined) pairs.push(a, b);
    }
    return { nodes, index, edges: Int32Array.from(pairs) };
  }, [data]);

  const highlighted = useMemo(() => {
    if (!graph || !focus || !graph.index.has(focus)) return null;
    const set = new Set<number>([graph.index.get(focus)!]);
    const walk = (dir: 0 | 1) => {
      const frontier = [graph.index.get(focus)!];
      while (frontier.length > 0) {
        const v = frontier.pop()!;
        for (let i = 0; i < graph.edges.length; i += 2) {
          const [from, to] = [graph.edges[i]!, graph.edges[i + 1]!];
          const next = dir === 0 ? (to === v ? from : -1) : from === v ? to : -1;
          if (next >= 0 && !set.has(next)) {
            set.add(next);
            frontier.push(next);
          }
        }
      }
    };
    walk(0);
    walk(1);
    return set;
  }, [graph, focus]);

  useEffect(() => {
    if (!graph) return undefined;
    const worker = new Worker(new URL("./layout-worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (event: MessageEvent<LayoutOutput>) => setLayout(event.data);
    worker.postMessage({ keys: graph.nodes.map((n) => n.key), groups: graph.nodes.map((n) => n.group), edges: graph.edges });
    return () => worker.terminate();
  }, [graph]);

  useEffect(() => {
    const el = canvas.current;
    if (!el || !layout || !graph) return undefined;
    const css = getComputedStyle(document.documentElement);
    const color = (name: string) => css.getPropertyValue(name).trim() || "#888";
    const colors = { fg: color("--fg"), line: color("--line"), muted: color("--muted"), panel: color("--panel"), accent: color("--accent") };
    const statusColor = Object.fromEntries(Object.entries(STATUS_VAR).map(([s, v]) => [s, color(v)])) as Record<AssetStatus, string>;
    const pos = layout.positions;
    if (focus && graph.index.has(focus)) {
      const i = graph.index.get(focus)!;
      view.current = { k: 1, x: el.clientWidth / 2 - pos[i * 2]! - NODE_W / 2, y: el.clientHeight / 2 - pos[i * 2 + 1]! };
    } else if (graph.nodes.length > 200) {
      const k = Math.max(0.02, Math.min(1, el.clientWidth / layout.width, el.clientHeight / Math.max(1, layout.height)));
      view.current = { k, x: 10, y: 10 };
    }
    let frame = 0;
    const draw = () => {
      frame = 0;
      const dpr = window.devicePixelRatio || 1;
      const w = el.clientWidth, h = el.clientHeight;
      if (el.width !== w * dpr || el.height !== h * dpr) {
        el.width = w * dpr;
        el.height = h * dpr;
      }
      const ctx = el.getContext("2d")!;
      const { x, y, k } = view.current;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, h);
      ctx.setTransform(dpr * k, 0, 0, dpr * k, dpr * x, dpr * y);
      const minX = -x / k - NODE_W, maxX = (w - x) / k, minY = -y / k - NODE_H, maxY = (h - y) / k;
      const visible = (i: number) => pos[i * 2]! >= minX && pos[i * 2]! <= maxX && pos[i * 2 + 1]! >= minY && pos[i * 2 + 1]! <= maxY;
      // Edges: skipped entirely when zoomed so far out that they would be a grey smear.
      if (k > 0.08 || graph.edges.length < 4000) {
        ctx.lineWidth = 1 / Math.max(k, 0.5);
        ctx.strokeStyle = colors.muted;
        ctx.globalAlpha = k < 0.3 ? 0.35 : 0.7;
        ctx.beginPath();
        for (let e = 0; e < graph.edges.length; e += 2) {
          const a = graph.edges[e]!, b = graph.edges[e + 1]!;
          if (!visible(a) && !visible(b)) continue;
          if (highlighted && !(highlighted.has(a) && highlighted.has(b))) continue;
          const x1 = pos[a * 2]! + NODE_W, y1 = pos[a * 2 + 1]! + NODE_H / 2, x2 = pos[b * 2]!, y2 = pos[b * 2 + 1]! + NODE_H / 2;
          ctx.moveTo(x1, y1);
          if (k > 0.3) ctx.bezierCurveTo(x1 + 45, y1, x2 - 45, y2, x2, y2);
          else ctx.lineTo(x2, y2);
        }
        ctx.stroke();
        ctx.globalAlpha = 1;
      }
      const labels = k >= 0.45;
      ctx.font = "12px system-ui, sans-serif";
      ctx.textBaseline = "middle";
      for (let i = 0; i < graph.nodes.length; i++) {
        if (!visible(i)) continue;
        const node = graph.nodes[i]!;
        const nx = pos[i * 2]!, ny = pos[i * 2 + 1]!;
        ctx.globalAlpha = highlighted && !highlighted.has(i) ? 0.2 : 1;
        if (labels) {
          ctx.fillStyle = colors.panel;
          ctx.fillRect(nx, ny, NODE_W, NODE_H);
          ctx.strokeStyle = node.key === focus ? colors.accent : colors.line;
          ctx.lineWidth = node.key === focus ? 3 : 1;
          ctx.strokeRect(nx, ny, NODE_W, NODE_H);
          ctx.fillStyle = statusColor[node.status];
          ctx.fillRect(nx, ny, 6, NODE_H);
          ctx.fillStyle = colors.fg;
          const label = node.key.length > 30 ? `…${node.key.slice(-29)}` : node.key;
          ctx.fillText(label, nx + 12, ny + NODE_H / 2);
        } else {
          ctx.fillStyle = statusColor[node.status];
          ctx.fillRect(nx, ny, NODE_W, NODE_H);
        }
      }
      ctx.globalAlpha = 1;
    };
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(draw);
    };
    draw();
    setReady(true);
    let drag: { x: number; y: number; moved: boolean } | null = null;
    const onDown = (e: PointerEvent) => {
      drag = { x: e.clientX, y: e.clientY, moved: false };
      el.setPointerCapture(e.pointerId);
    };
    const onMove = (e: PointerEvent) => {
      if (!drag) return;
      const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
      view.current.x += dx;
      view.current.y += dy;
      drag.x = e.clientX;
      drag.y = e.clientY;
      schedule();
    };
    const onUp = (e: PointerEvent) => {
      const wasDrag = drag?.moved ?? true;
      drag = null;
      if (wasDrag) return;
      const rect = el.getBoundingClientRect();
      const { x, y, k } = view.current;
      const gx = (e.clientX - rect.left - x) / k, gy = (e.clientY - rect.top - y) / k;
      for (let i = 0; i < graph.nodes.length; i++) {
        const nx = pos[i * 2]!, ny = pos[i * 2 + 1]!;
        if (gx >= nx && gx <= nx + NODE_W && gy >= ny && gy <= ny + NODE_H) {
          navigate(`/assets/${graph.nodes[i]!.key}`);
          return;
        }
      }
    };
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const rect = el.getBoundingClientRect();
      const mx = e.clientX - rect.left, my = e.clientY - rect.top;
      const { x, y, k } = view.current;
      const nk = Math.min(3, Math.max(0.01, k * Math.exp(-e.deltaY * 0.0015)));
      view.current = { k: nk, x: mx - ((mx - x) * nk) / k, y: my - ((my - y) * nk) / k };
      schedule();
    };
    el.addEventListener("pointerdown", onDown);
    el.addEventListener("pointermove", onMove);
    el.addEventListener("pointerup", onUp);
    el.addEventListener("wheel", onWheel, { passive: false });
    window.addEventListener("resize", schedule);
    return () => {
      if (frame) cancelAnimationFrame(frame);
      el.removeEventListener("pointerdown", onDown);
      el.removeEventListener("pointermove", onMove);
      el.removeEventListener("pointerup", onUp);
      el.removeEventListener("wheel", onWheel);
      window.removeEventListener("resize", schedule);
    };
  }, [layout, graph, highlighted, focus]);

  if (error) return <p className="error">{error}</p>;
  return (
    <div>
      <h1>Lineage {graph ? <span className="muted">({graph.nodes.length} assets, {graph.edges.length / 2} edges)</span> : null}</h1>
      <div className="graph-wrap" data-testid="lineage" data-ready={ready ? "true" : "false"} data-node-count={graph?.nodes.length ?? 0}>
        <canvas ref={canvas} aria-label="Asset lineage graph" />
        <div className="graph-info muted">drag to pan · wheel to zoom · click an asset to open it{focus ? ` · focus: ${focus}` : ""}</div>
      </div>
      {graph && graph.nodes.length <= 500 && (
        <ul aria-label="Assets in the graph" style={{ position: "absolute", left: -10000 }}>
          {graph.nodes.map((n) => <li key={n.key} data-testid="lineage-node">{n.key}</li>)}
        </ul>
      )}
    </div>
  );
}

/**
 * The global lineage graph across every code location: layout in a Web Worker, drawn on one
 * canvas with level of detail (labels only when zoomed in, edges thinned when zoomed far out),
 * pan by dragging, zoom with the wheel, click a node to open the asset, ?focus=<key> to
 * highlight an asset with its up- and downstream. Status colours match the rest of the UI; an
 * unsynced asset carries a small amber corner marker (drawn only with labels, so it costs nothing
 * when 10,000 assets are zoomed out), a collapsed group its count of unsynced assets.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { graphql, useQuery, type AssetStatus } from "../../api.js";
import { navigate, useLocation } from "../../router.js";
import { displayGraph, type DisplayGraph } from "./groups.js";
import { NODE_H, NODE_W, type LayoutOutput } from "./layout.js";

const GRAPH = graphql(`query Lineage { assetGraph { nodes { key group location status freshness sync { state } } edges { from to partitionMapping { kind description } } } }`);


const STATUS_VAR: Record<AssetStatus, string> = { FAILED: "--bad", IN_PROGRESS: "--run", MATERIALIZED: "--ok", NEVER_MATERIALIZED: "--none" };

export function Lineage() {
  const { query } = useLocation();
  const focus = query.get("focus");
  const collapsed = query.get("collapse") === "groups";
  const expandParam = query.get("expand") ?? "";
  const { data, error } = useQuery(GRAPH, {}, 0);
  const [layout, setLayout] = useState<{ for: DisplayGraph; out: LayoutOutput } | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const view = useRef({ x: 20, y: 20, k: 1 });
  /** A node to centre on the next layout (the first asset of a group that was just expanded). */
  const centerOn = useRef<string | null>(null);
  const [ready, setReady] = useState(false);

  const graph = useMemo(() => {
    if (!data) return null;
    const nodes = data.assetGraph.nodes;
    const index = new Map(nodes.map((n, i) => [n.key, i]));
    const pairs: number[] = [];
    // Partition mappings other than identity, labelled on their edge when zoomed in ("daily → monthly: the month's days").
    const mappingLabels = new Map<string, string>();
    for (const e of data.assetGraph.edges) {
      // "all" (an unpartitioned asset reading a partitioned one) is the obvious case: not labelled.
      const kind = e.partitionMapping?.kind;
      if (kind === "time-window" || kind === "static") mappingLabels.set(`${e.from}\u0000${e.to}`, e.partitionMapping!.description.split(":")[0]!);
    }
    for (const e of data.assetGraph.edges) {
      const a = index.get(e.from);
      const b = index.get(e.to);
      // A self-edge (an asset reading its own earlier partitions) is shown on the asset page, not drawn.
      if (a !== undefined && b !== undefined && a !== b) pairs.push(a, b);
    }
    const edges = Int32Array.from(pairs);
    const up: number[][] = nodes.map(() => []);
    const down: number[][] = nodes.map(() => []);
    for (let i = 0; i < edges.length; i += 2) {
      down[edges[i]!]!.push(edges[i + 1]!);
      up[edges[i + 1]!]!.push(edges[i]!);
    }
    return { nodes, index, edges, up, down, mappingLabels };
  }, [data]);

  // The focused asset's group is always expanded, or there would be nothing to focus on.
  const expanded = useMemo(() => {
    const set = new Set(expandParam.split(",").filter(Boolean));
    if (graph && focus && graph.index.has(focus)) set.add(graph.nodes[graph.index.get(focus)!]!.group);
    return set;
  }, [expandParam, graph, focus]);

  const display = useMemo(() => (graph ? displayGraph(graph.nodes, graph.edges, collapsed, expanded) : null), [graph, collapsed, expanded]);

  const highlighted = useMemo(() => {
    if (!graph || !display || !focus || !graph.index.has(focus)) return null;
    const start = graph.index.get(focus)!;
    const set = new Set<number>([start]);
    for (const adjacency of [graph.up, graph.down]) {
      const frontier = [start];
      while (frontier.length > 0) {
        for (const next of adjacency[frontier.pop()!]!) {
          if (!set.has(next)) {
            set.add(next);
            frontier.push(next);
          }
        }
      }
    }
    // In display-node indexes: a group node is lit when any of its assets is.
    return new Set([...set].map((i) => display.of[i]!));
  }, [graph, display, focus]);

  const setUrl = (next: { collapse?: boolean; expand?: Set<string> }) => {
    const q = new URLSearchParams(window.location.search);
    const c = next.collapse ?? collapsed;
    if (c) q.set("collapse", "groups");
    else q.delete("collapse");
    const e = [...(next.expand ?? new Set(expandParam.split(",").filter(Boolean)))].sort();
    if (c && e.length > 0) q.set("expand", e.join(","));
    else q.delete("expand");
    const s = q.toString();
    navigate(`/lineage${s ? `?${s}` : ""}`);
  };
  const toggleGroup = (group: string) => {
    const e = new Set(expandParam.split(",").filter(Boolean));
    if (e.has(group)) e.delete(group);
    else {
      e.add(group);
      centerOn.current = graph?.nodes.find((n) => n.group === group)?.key ?? null;
    }
    setUrl({ expand: e });
  };
  const toggleGroupRef = useRef(toggleGroup);
  toggleGroupRef.current = toggleGroup;

  useEffect(() => {
    if (!display) return undefined;
    setReady(false);
    const worker = new Worker(new URL("./layout-worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (event: MessageEvent<LayoutOutput>) => setLayout({ for: display, out: event.data });
    worker.postMessage({ keys: display.nodes.map((n) => n.key), groups: display.nodes.map((n) => n.group), edges: display.edges });
    return () => worker.terminate();
  }, [display]);

  useEffect(() => {
    const el = canvas.current;
    if (!el || !layout || !display || layout.for !== display) return undefined;
    const css = getComputedStyle(document.documentElement);
    const color = (name: string) => css.getPropertyValue(name).trim() || "#888";
    const colors = { fg: color("--fg"), line: color("--line"), muted: color("--muted"), panel: color("--panel"), accent: color("--accent"), bad: color("--bad"), warn: color("--warn") };
    const statusColor = Object.fromEntries(Object.entries(STATUS_VAR).map(([s, v]) => [s, color(v)])) as Record<AssetStatus, string>;
    const pos = layout.out.positions;
    const nodes = display.nodes;
    const edges = display.edges;
    const focusIndex = focus && graph?.index.has(focus) ? display.of[graph.index.get(focus)!]! : -1;
    const centreIndex = centerOn.current !== null && graph?.index.has(centerOn.current) ? display.of[graph.index.get(centerOn.current)!]! : focusIndex;
    centerOn.current = null;
    if (centreIndex >= 0) {
      view.current = { k: 1, x: el.clientWidth / 2 - pos[centreIndex * 2]! - NODE_W / 2, y: el.clientHeight / 2 - pos[centreIndex * 2 + 1]! };
    } else if (nodes.length > 200 || collapsed) {
      const k = Math.max(0.02, Math.min(1, el.clientWidth / Math.max(1, layout.out.width), el.clientHeight / Math.max(1, layout.out.height)));
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
      if (k > 0.08 || edges.length < 4000) {
        ctx.lineWidth = 1 / Math.max(k, 0.5);
        ctx.strokeStyle = colors.muted;
        ctx.globalAlpha = k < 0.3 ? 0.35 : 0.7;
        ctx.beginPath();
        for (let e = 0; e < edges.length; e += 2) {
          const a = edges[e]!, b = edges[e + 1]!;
          if (!visible(a) && !visible(b)) continue;
          if (highlighted && !(highlighted.has(a) && highlighted.has(b))) continue;
          const x1 = pos[a * 2]! + NODE_W, y1 = pos[a * 2 + 1]! + NODE_H / 2, x2 = pos[b * 2]!, y2 = pos[b * 2 + 1]! + NODE_H / 2;
          ctx.moveTo(x1, y1);
          if (k > 0.3) ctx.bezierCurveTo(x1 + 45, y1, x2 - 45, y2, x2, y2);
          else ctx.lineTo(x2, y2);
        }
        ctx.stroke();
        ctx.globalAlpha = 1;
        if (k >= 0.8 && graph && graph.mappingLabels.size > 0) {
          ctx.font = "9px system-ui, sans-serif";
          ctx.textAlign = "center";
          for (let e = 0; e < edges.length; e += 2) {
            const a = edges[e]!, b = edges[e + 1]!;
            const from = nodes[a], to = nodes[b];
            if (from?.kind !== "asset" || to?.kind !== "asset" || (!visible(a) && !visible(b))) continue;
            let label = graph.mappingLabels.get(`${from.key}\u0000${to.key}`);
            if (label === undefined) continue;
            // Fitted between the two columns, on a panel-coloured patch over the edge.
            const gap = Math.max(20, pos[b * 2]! - pos[a * 2]! - NODE_W - 6);
            while (label.length > 1 && ctx.measureText(label).width > gap) label = `${label.slice(0, -2)}…`;
            const width = ctx.measureText(label).width;
            const mx = (pos[a * 2]! + NODE_W + pos[b * 2]!) / 2, my = (pos[a * 2 + 1]! + pos[b * 2 + 1]!) / 2 + NODE_H / 2;
            ctx.fillStyle = colors.panel;
            ctx.fillRect(mx - width / 2 - 2, my - 6, width + 4, 12);
            ctx.fillStyle = colors.muted;
            ctx.fillText(label, mx, my);
          }
          ctx.textAlign = "start";
        }
      }
      const labels = k >= 0.45;
      ctx.font = "12px system-ui, sans-serif";
      ctx.textBaseline = "middle";
      for (let i = 0; i < nodes.length; i++) {
        if (!visible(i)) continue;
        const node = nodes[i]!;
        const nx = pos[i * 2]!, ny = pos[i * 2 + 1]!;
        ctx.globalAlpha = highlighted && !highlighted.has(i) ? 0.2 : 1;
        if (!labels) {
          ctx.fillStyle = statusColor[node.status];
          ctx.fillRect(nx, ny, NODE_W, NODE_H);
          continue;
        }
        ctx.fillStyle = colors.panel;
        ctx.fillRect(nx, ny, NODE_W, NODE_H);
        ctx.strokeStyle = i === focusIndex ? colors.accent : colors.line;
        ctx.lineWidth = i === focusIndex ? 3 : node.kind === "group" ? 2 : 1;
        ctx.strokeRect(nx, ny, NODE_W, NODE_H);
        ctx.fillStyle = statusColor[node.status];
        ctx.fillRect(nx, ny, 8, NODE_H);
        ctx.fillStyle = colors.fg;
        if (node.kind === "asset") {
          const label = node.key.length > 30 ? `…${node.key.slice(-29)}` : node.key;
          ctx.fillText(label, nx + 14, ny + NODE_H / 2);
          // Freshness: a right-hand bar, red when stale and amber when about to be (green when fresh).
          const fresh = node.freshness === "STALE" ? colors.bad : node.freshness === "WARN" ? colors.warn : node.freshness === "FRESH" ? statusColor.MATERIALIZED : null;
          if (fresh) {
            ctx.fillStyle = fresh;
            ctx.fillRect(nx + NODE_W - 5, ny, 5, NODE_H);
          }
          // Unsynced: an amber triangle in the top right corner (the asset page says why).
          if (node.unsynced) {
            ctx.fillStyle = colors.warn;
            ctx.beginPath();
            ctx.moveTo(nx + NODE_W - 18, ny);
            ctx.lineTo(nx + NODE_W - 6, ny);
            ctx.lineTo(nx + NODE_W - 6, ny + 12);
            ctx.closePath();
            ctx.fill();
          }
          continue;
        }
        // A group: its name and size, and a strip with the share of each status along the bottom.
        const name = node.group.length > 20 ? `${node.group.slice(0, 19)}…` : node.group;
        ctx.font = "bold 12px system-ui, sans-serif";
        ctx.fillText(`▸ ${name}`, nx + 14, ny + NODE_H / 2 - 3);
        ctx.font = "12px system-ui, sans-serif";
        ctx.fillStyle = colors.muted;
        ctx.textAlign = "right";
        ctx.fillText(`${node.count} asset${node.count === 1 ? "" : "s"}${node.unsynced > 0 ? ` · ${node.unsynced} unsynced` : ""}`, nx + NODE_W - 8, ny + NODE_H / 2 - 3);
        ctx.textAlign = "left";
        let sx = nx + 8;
        for (const s of ["MATERIALIZED", "IN_PROGRESS", "FAILED", "NEVER_MATERIALIZED"] as const) {
          const sw = ((NODE_W - 8) * node.counts[s]) / node.count;
          ctx.fillStyle = statusColor[s];
          ctx.fillRect(sx, ny + NODE_H - 5, sw, 5);
          sx += sw;
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
      for (let i = 0; i < nodes.length; i++) {
        const nx = pos[i * 2]!, ny = pos[i * 2 + 1]!;
        if (gx >= nx && gx <= nx + NODE_W && gy >= ny && gy <= ny + NODE_H) {
          const node = nodes[i]!;
          if (node.kind === "group") toggleGroupRef.current(node.group);
          else navigate(`/assets/${node.key}`);
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
  }, [layout, display, graph, highlighted, focus, collapsed]);

  if (error) return <p className="error">{error}</p>;
  const groupNames = graph ? [...new Set(graph.nodes.map((n) => n.group))].sort() : [];
  return (
    <div>
      <h1>Lineage {graph ? <span className="muted">({graph.nodes.length} assets, {graph.edges.length / 2} edges{collapsed ? `; ${display?.nodes.length ?? 0} nodes drawn` : ""})</span> : null}</h1>
      <div className="toolbar" data-testid="lineage-toolbar">
        <button type="button" aria-pressed={collapsed} data-testid="collapse-groups" onClick={() => setUrl({ collapse: !collapsed, expand: new Set() })}>
          {collapsed ? "Expand all groups" : "Collapse by group"}
        </button>
        {collapsed &&
          groupNames.map((g) => (
            <button type="button" key={g} aria-pressed={expanded.has(g)} data-testid={`group-toggle-${g}`} onClick={() => toggleGroup(g)}>
              {expanded.has(g) ? "▾" : "▸"} {g}
            </button>
          ))}
      </div>
      <div
        className="graph-wrap"
        data-testid="lineage"
        data-ready={ready ? "true" : "false"}
        data-node-count={graph?.nodes.length ?? 0}
        data-drawn-count={layout && layout.for === display ? display.nodes.length : 0}
        data-drawn-edges={layout && layout.for === display ? display.edges.length / 2 : 0}
        data-mode={collapsed ? "groups" : "assets"}
      >
        <canvas ref={canvas} aria-label="Asset lineage graph" />
        <div className="graph-info muted">
          drag to pan · wheel to zoom · click an asset to open it{collapsed ? " · click a group to expand it" : ""}{focus ? ` · focus: ${focus}` : ""}
        </div>
      </div>
      {display && display.nodes.length <= 500 && (
        <ul aria-label="Nodes in the graph" style={{ position: "absolute", left: -10000 }}>
          {display.nodes.map((n) =>
            n.kind === "asset" ? (
              <li key={n.key} data-testid="lineage-node" data-status={n.status} data-freshness={n.freshness ?? ""} data-sync={n.unsynced ? "UNSYNCED" : ""}>{n.key}{n.unsynced ? " (unsynced)" : ""}</li>
            ) : (
              <li key={n.key} data-testid="lineage-group" data-group={n.group} data-count={n.count} data-status={n.status} data-unsynced={n.unsynced}>
                {n.group}: {n.count} assets, {n.status}{n.unsynced > 0 ? `, ${n.unsynced} unsynced` : ""}
              </li>
            ),
          )}
        </ul>
      )}
    </div>
  );
}

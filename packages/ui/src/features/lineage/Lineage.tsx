/**
 * The global lineage graph across every code location, readable from 8 to 10,000 assets.
 *
 * Groups are labelled boxes with the edges between them bundled (draw.ts); the first view collapses
 * the largest groups until what stays open can be read (groups.ts) and fits the whole on screen.
 * A group's box expands to its assets in layers (layout.ts, in a Web Worker). Zoomed out, assets are
 * status-coloured blocks on a canvas; zoomed in, the assets on screen become DOM cards with the full
 * key wrapped (cards.ts), status, last materialization, partition health, checks, freshness and
 * kind. Group labels are DOM too, at a fixed screen size, so they stay readable at any zoom.
 *
 * The search box takes text or a selection expression (docs/selection.md): matches are ringed and
 * the view moves to them; Enter goes to the next one, expanding its group. Focus mode
 * (`?focus=<key>&depth=N`) lays out the asset with N levels up- and downstream on their own.
 * Keyboard: Tab into the graph, arrow keys move between nodes, Enter opens an asset (or toggles a
 * group), F focuses, + / - / 0 zoom and fit. Statuses stay live without a reload (live.ts).
 *
 * Launching: shift-, ctrl- or cmd-click adds a node to the multi-selection or takes it out (a
 * collapsed group stands for its assets), Shift-drag on the graph draws a lasso that adds the nodes
 * whose centre it encloses, "Select matches" makes the search's matches the selection, Space
 * toggles the keyboard's node and Escape clears it. The bar above the graph launches the selection
 * as it is, with everything up- or downstream, every asset or the unsynced ones, through the same
 * launch dialog as the catalog (features/launch), which shows the plan first.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from "react";
import { gql, graphql, NEEDS_OPERATOR, useCanOperate, type AssetStatus } from "../../api.js";
import { Link, navigate, useLocation } from "../../router.js";
import { cardHeight, wrapName } from "./cards.js";
import { LaunchDialog } from "../launch/LaunchDialog.js";
import { selectionOf, type Widen } from "../launch/selection.js";
import { UnsyncedResult, useMaterializeUnsynced } from "../launch/unsynced.js";
import "../launch/launch.css";
import { buildScene, drawScene, nodesInRect, readColors, type Scene, type View } from "./draw.js";
import { autoCollapsed, displayGraph, type DisplayGraph } from "./groups.js";
import { GROUP_H, GROUP_HEADER, GROUP_W, NODE_W, type LayoutOutput, type LayoutRequest } from "./layout.js";
import { usePartitionHealth, useLiveGraph, type PartitionHealth } from "./live.js";
import { checkSummary, isSelectionExpression, neighbourhood, relativeTime, searchKeys, togglePicked, type AssetInfo, type GraphModel } from "./model.js";
import "./lineage.css";

const SELECT = graphql(`query LineageSelect($selection: String!) { assetGraph(selection: $selection) { nodes { key } } }`);

/** From this zoom up the assets on screen are DOM cards (13 px names are ≥ 9 px on screen). */
export const CARD_ZOOM = 0.7;
const MIN_ZOOM = 0.02;
const MAX_ZOOM = 2.5;
const ZOOM_STEP = 1.5;
const FIT_PAD = 24;
const DEPTHS = ["1", "2", "3", "5", "all"];

const NOTHING_PICKED = "Select assets first: Shift-click, Shift-drag, or Select matches";

const STATUS_TEXT: Record<AssetStatus, string> = { FAILED: "Failed", IN_PROGRESS: "Running", MATERIALIZED: "Materialized", NEVER_MATERIALIZED: "Never materialized" };

/** Name lines per key, kept across renders: wrapping measures text, and keys do not change. */
const linesCache = new Map<string, string[]>();
function linesOf(key: string): string[] {
  let lines = linesCache.get(key);
  if (lines === undefined) {
    lines = wrapName(key);
    linesCache.set(key, lines);
  }
  return lines;
}

interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

type Collapse = "groups" | "none" | "auto";

function clampZoom(k: number): number {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k));
}

export function Lineage() {
  const { query } = useLocation();
  const focusKey = query.get("focus");
  const depthParam = query.get("depth") ?? "2";
  const depth = depthParam === "all" ? null : Math.max(1, Math.min(20, Number.parseInt(depthParam, 10) || 2));
  const collapseParam = query.get("collapse");
  const collapse: Collapse = collapseParam === "groups" || collapseParam === "none" ? collapseParam : "auto";
  const expandParam = query.get("expand") ?? "";
  const { model, error, version } = useLiveGraph();

  const focusIndex = model && focusKey !== null ? (model.index.get(focusKey) ?? -1) : -1;
  const focusMissing = model !== null && focusKey !== null && focusIndex < 0;
  const up = model?.up;
  const focusSet = useMemo(() => (model && focusIndex >= 0 ? neighbourhood(model, focusIndex, depth) : null), [up, focusIndex, depth]);

  const structure = model?.structure ?? "";
  const groupNames = useMemo(() => (model ? [...new Set(model.nodes.map((n) => n.group))].sort() : []), [structure]);
  const auto = useMemo(() => (model ? autoCollapsed(model.nodes) : new Set<string>()), [structure]);
  const collapsedGroups = useMemo(() => {
    const expand = new Set(expandParam.split(",").filter(Boolean));
    if (collapse === "none") return new Set<string>();
    const base = collapse === "groups" ? groupNames : [...auto];
    return new Set(base.filter((g) => !expand.has(g)));
  }, [collapse, expandParam, groupNames, auto]);
  const collapsedKey = [...collapsedGroups].sort().join(",");

  const display = useMemo(() => (model ? displayGraph(model.nodes, model.edges, (g) => collapsedGroups.has(g), focusSet) : null), [model, collapsedGroups, focusSet]);
  const layoutKey = model ? `${structure}|${focusSet ? `focus:${focusKey}:${depthParam}` : `groups:${collapsedKey}`}` : "";
  // Sizes depend on the drawn graph's structure only (not on statuses).
  const sizes = useMemo(() => {
    if (!display) return null;
    const n = display.nodes.length;
    const widths = new Float32Array(n);
    const heights = new Float32Array(n);
    display.nodes.forEach((node, i) => {
      widths[i] = node.kind === "asset" ? NODE_W : GROUP_W;
      heights[i] = node.kind === "asset" ? cardHeight(linesOf(node.key).length) : GROUP_H;
    });
    return { widths, heights };
  }, [layoutKey]);

  // One worker for the page's life: a layout request costs no worker start-up.
  const worker = useRef<Worker | null>(null);
  const requests = useRef(new Map<number, string>());
  const nextId = useRef(1);
  const [layout, setLayout] = useState<{ key: string; out: LayoutOutput } | null>(null);
  useEffect(() => {
    const w = new Worker(new URL("./layout-worker.ts", import.meta.url), { type: "module" });
    w.onmessage = (event: MessageEvent<LayoutOutput>) => {
      const key = requests.current.get(event.data.id);
      requests.current.delete(event.data.id);
      if (key !== undefined) setLayout({ key, out: event.data });
    };
    worker.current = w;
    return () => w.terminate();
  }, []);
  const wrap = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!display || !sizes || !worker.current) return;
    const id = nextId.current++;
    requests.current.set(id, layoutKey);
    const el = wrap.current;
    const viewport = el && el.clientHeight > 0 ? { width: el.clientWidth - 2 * FIT_PAD, height: el.clientHeight - 2 * FIT_PAD } : { width: 1280, height: 720 };
    const request: LayoutRequest = {
      id,
      mode: focusSet ? "flat" : "grouped",
      keys: display.nodes.map((n) => n.key),
      groups: display.nodes.map((n) => n.group),
      collapsed: Uint8Array.from(display.nodes, (n) => (n.kind === "group" ? 1 : 0)),
      widths: sizes.widths,
      heights: sizes.heights,
      edges: display.edges,
      viewport,
      maxZoom: 1,
    };
    worker.current.postMessage(request);
  }, [layoutKey, worker.current]);

  const scene = useMemo<Scene | null>(() => {
    if (!display || !sizes || !layout || layout.key !== layoutKey) return null;
    return buildScene(display, layout.out, sizes.widths, sizes.heights);
  }, [display, sizes, layout, layoutKey]);

  // ---- search -------------------------------------------------------------------------------
  const [searchText, setSearchText] = useState(query.get("q") ?? "");
  const [search, setSearch] = useState<{ text: string; hits: number[]; error: string | null; pending: boolean }>({ text: "", hits: [], error: null, pending: false });
  const [hitPos, setHitPos] = useState(0);
  useEffect(() => {
    if (!model) return undefined;
    const text = searchText.trim();
    if (text === "") {
      setSearch({ text, hits: [], error: null, pending: false });
      return undefined;
    }
    if (!isSelectionExpression(text)) {
      setSearch({ text, hits: searchKeys(model, text), error: null, pending: false });
      setHitPos(0);
      return undefined;
    }
    // A selection is resolved by the server (the same resolver as runs and schedules use), after a short typing pause.
    let live = true;
    setSearch((s) => ({ ...s, pending: true }));
    const timer = setTimeout(() => {
      gql(SELECT, { selection: text })
        .then((data) => {
          if (!live) return;
          const hits = data.assetGraph.nodes.flatMap((n) => model.index.get(n.key) ?? []);
          setSearch({ text, hits, error: null, pending: false });
          setHitPos(0);
        })
        .catch((e: unknown) => live && setSearch({ text, hits: [], error: String((e as Error).message ?? e), pending: false }));
    }, 100);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [searchText, structure]);
  const matches = useMemo(() => {
    const set = new Set<number>();
    if (display) for (const i of search.hits) if (display.of[i]! >= 0) set.add(display.of[i]!);
    return set;
  }, [search, display]);

  // ---- the multi-selection to launch ----------------------------------------------------------
  // Asset keys, not drawn indexes: the selection survives expanding groups, focus mode and live updates.
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  // The expression the selection came from ("Select matches" on a selection), while nothing was toggled
  // since: launched as typed, so `group:met` stays short and means what the operator wrote.
  const [pickedBy, setPickedBy] = useState<string | null>(null);
  const [launch, setLaunch] = useState<{ selection: string; title: string } | null>(null);
  const canOperate = useCanOperate();
  const unsynced = useMaterializeUnsynced();
  // An asset gone from the graph (a reloaded location dropped it) leaves the selection, or launching it would be refused.
  useEffect(() => {
    if (!model) return;
    setPicked((p) => ([...p].every((k) => model.index.has(k)) ? p : new Set([...p].filter((k) => model.index.has(k)))));
  }, [structure]);
  /** Drawn nodes holding picked assets, with how many (a collapsed group may hold several). */
  const pickedDrawn = useMemo(() => {
    const out = new Map<number, number>();
    if (!model || !display) return out;
    for (const key of picked) {
      const a = model.index.get(key);
      const d = a === undefined ? -1 : display.of[a]!;
      if (d >= 0) out.set(d, (out.get(d) ?? 0) + 1);
    }
    return out;
  }, [picked, model, display]);
  /** The assets a drawn node stands for: itself, or every asset of a collapsed group. */
  const assetsOf = (drawn: number[]): string[] => {
    const { display: d, model: m } = state.current;
    if (!d || !m) return [];
    const groups = new Set<string>();
    const keys: string[] = [];
    for (const i of drawn) {
      const node = d.nodes[i];
      if (node?.kind === "asset") keys.push(node.key);
      else if (node?.kind === "group") groups.add(node.group);
    }
    if (groups.size > 0) for (const a of m.nodes) if (groups.has(a.group)) keys.push(a.key);
    return keys;
  };
  /** Toggles drawn nodes in the selection (click, Space) or adds them (lasso). */
  const pickNodes = (drawn: number[], how: "toggle" | "add") => {
    const keys = assetsOf(drawn);
    if (keys.length === 0) return;
    setPicked((p) => (how === "toggle" ? togglePicked(p, keys) : new Set([...p, ...keys])));
    setPickedBy(null);
  };
  const pickGroup = (group: string) => {
    if (!model) return;
    const keys = model.nodes.filter((a) => a.group === group).map((a) => a.key);
    setPicked((p) => togglePicked(p, keys));
    setPickedBy(null);
  };
  const clearPicked = () => {
    setPicked(new Set());
    setPickedBy(null);
  };
  const selectMatches = () => {
    if (!model || search.hits.length === 0) return;
    setPicked(new Set(search.hits.map((i) => model.nodes[i]!.key)));
    setPickedBy(isSelectionExpression(search.text) ? search.text : null);
  };
  const openLaunch = (widen: Widen) => {
    const what = `${picked.size} selected asset${picked.size === 1 ? "" : "s"}`;
    const selection = widen === "none" && pickedBy !== null ? pickedBy : selectionOf(picked, widen);
    const title = widen === "upstream" ? `Materialize ${what} and everything upstream` : widen === "downstream" ? `Materialize ${what} and everything downstream` : `Materialize ${what}`;
    setLaunch({ selection, title });
  };
  // Unsynced assets in scope: among the selection when there is one, else every asset of the graph.
  const unsyncedKeys = useMemo(() => (model ? model.nodes.filter((a) => a.sync.state === "UNSYNCED" && (picked.size === 0 || picked.has(a.key))).map((a) => a.key) : []), [model, picked]);

  // ---- view, drawing and the card window ------------------------------------------------------
  const canvas = useRef<HTMLCanvasElement>(null);
  const world = useRef<HTMLDivElement>(null);
  const labels = useRef<Array<HTMLButtonElement | null>>([]);
  const view = useRef<View>({ x: 20, y: 20, k: 1 });
  const viewFor = useRef<string>("");
  /** What to centre on once the next layout arrives: an asset key (zoomed to cards) or null (fit). */
  const pendingCenter = useRef<string | null>(null);
  const [current, setCurrent] = useState(-1);
  const [win, setWin] = useState<Rect | null>(null);
  const [drawnFor, setDrawnFor] = useState("");
  const frame = useRef(0);
  const colors = useRef<ReturnType<typeof readColors> | null>(null);
  const state = useRef({ display, scene, model, matches, current, picked: pickedDrawn, focus: -1, mappingLabels: model?.mappingLabels ?? new Map<string, string>() });
  state.current = { display, scene, model, matches, current, picked: pickedDrawn, focus: focusSet && display ? display.of[focusIndex]! : -1, mappingLabels: model?.mappingLabels ?? new Map<string, string>() };
  const winRef = useRef(win);
  winRef.current = win;

  const draw = useCallback(() => {
    frame.current = 0;
    const el = canvas.current;
    const { display: d, scene: s } = state.current;
    if (!el || !d || !s) return;
    const dpr = window.devicePixelRatio || 1;
    const w = el.clientWidth, h = el.clientHeight;
    if (el.width !== Math.round(w * dpr) || el.height !== Math.round(h * dpr)) {
      el.width = Math.round(w * dpr);
      el.height = Math.round(h * dpr);
    }
    colors.current ??= readColors();
    const v = view.current;
    const cards = v.k >= CARD_ZOOM;
    drawScene(el.getContext("2d")!, dpr, { ...state.current, display: d, scene: s, view: v, width: w, height: h, colors: colors.current, cards });
    if (world.current) world.current.style.transform = `translate(${v.x}px, ${v.y}px) scale(${v.k})`;
    // Group labels: fixed screen size, placed over their boxes, hidden off screen.
    s.boxes.forEach((box, g) => {
      const label = labels.current[g];
      if (!label) return;
      const left = v.x + box.x * v.k, top = v.y + box.y * v.k, bw = box.w * v.k, bh = box.h * v.k;
      if (left > w || top > h || left + Math.max(bw, 120) < 0 || top + Math.max(bh, 24) < 0) {
        label.style.display = "none";
        return;
      }
      label.style.display = "";
      label.style.left = `${left}px`;
      label.style.top = `${top}px`;
      label.style.width = `${Math.max(bw, 110)}px`;
      if (box.node >= 0) label.style.height = `${Math.max(bh, 36)}px`;
      else label.style.maxHeight = `${Math.max(GROUP_HEADER * v.k, 22)}px`;
    });
    const host = wrap.current;
    if (host) host.dataset.zoom = v.k.toFixed(3);
    // The card window: the viewport with half a screen around it, renewed when the view leaves it.
    const vr = { x0: -v.x / v.k, y0: -v.y / v.k, x1: (w - v.x) / v.k, y1: (h - v.y) / v.k };
    const cur = winRef.current;
    if (!cards) {
      if (cur !== null) setWin(null);
    } else if (cur === null || vr.x0 < cur.x0 || vr.y0 < cur.y0 || vr.x1 > cur.x1 || vr.y1 > cur.y1) {
      const mw = (vr.x1 - vr.x0) / 2, mh = (vr.y1 - vr.y0) / 2;
      setWin({ x0: vr.x0 - mw, y0: vr.y0 - mh, x1: vr.x1 + mw, y1: vr.y1 + mh });
    }
  }, []);
  const schedule = useCallback(() => {
    if (frame.current === 0) frame.current = requestAnimationFrame(draw);
  }, [draw]);

  /** Fits the whole graph; `readable`: a fit just short of card zoom is taken to card zoom (the margin absorbs the difference). */
  const fit = useCallback((readable = false) => {
    const el = wrap.current;
    const s = state.current.scene;
    if (!el || !s) return;
    const b = { x: 0, y: 0, w: s.width, h: s.height };
    const vw = el.clientWidth, vh = el.clientHeight;
    let k = clampZoom(Math.min(1, (vw - 2 * FIT_PAD) / Math.max(1, b.w), (vh - 2 * FIT_PAD) / Math.max(1, b.h)));
    if (readable && k < CARD_ZOOM && b.w * CARD_ZOOM <= vw && b.h * CARD_ZOOM <= vh) k = CARD_ZOOM;
    view.current = { k, x: (vw - b.w * k) / 2 - b.x * k, y: (vh - b.h * k) / 2 - b.y * k };
    schedule();
  }, [schedule]);
  const centerOnNode = useCallback((i: number, minK = 1) => {
    const el = wrap.current;
    const s = state.current.scene;
    if (!el || !s || i < 0) return;
    const k = Math.max(view.current.k, minK);
    const cx = s.positions[i * 2]! + s.widths[i]! / 2, cy = s.positions[i * 2 + 1]! + s.heights[i]! / 2;
    view.current = { k, x: el.clientWidth / 2 - cx * k, y: el.clientHeight / 2 - cy * k };
    schedule();
  }, [schedule]);
  const zoomBy = useCallback((factor: number) => {
    const el = wrap.current;
    if (!el) return;
    const { x, y, k } = view.current;
    const nk = clampZoom(k * factor);
    const mx = el.clientWidth / 2, my = el.clientHeight / 2;
    view.current = { k: nk, x: mx - ((mx - x) * nk) / k, y: my - ((my - y) * nk) / k };
    schedule();
  }, [schedule]);

  // A new layout: fit it, or centre what asked for it (an expanded group's match, a focused asset).
  useEffect(() => {
    if (!scene || !display || viewFor.current === layoutKey) return;
    viewFor.current = layoutKey;
    const pending = pendingCenter.current;
    pendingCenter.current = null;
    const target = pending !== null && model ? display.of[model.index.get(pending) ?? -1] ?? -1 : -1;
    if (target >= 0) {
      centerOnNode(target, 1);
      setCurrent(target);
    } else {
      fit(true);
      if (focusSet) setCurrent(display.of[focusIndex]!);
      else setCurrent(-1);
    }
    setDrawnFor(layoutKey);
  }, [scene, layoutKey]);
  // Anything else drawn changed (statuses, matches, current): one more frame.
  useEffect(schedule, [scene, matches, current, pickedDrawn, schedule]);
  useEffect(() => {
    // A theme switch changes the colour variables the canvas reads once per theme.
    const scheme = window.matchMedia("(prefers-color-scheme: dark)");
    const onScheme = () => {
      colors.current = null;
      schedule();
    };
    window.addEventListener("resize", schedule);
    scheme.addEventListener("change", onScheme);
    return () => {
      window.removeEventListener("resize", schedule);
      scheme.removeEventListener("change", onScheme);
    };
  }, [schedule]);

  // ---- URL actions ------------------------------------------------------------------------------
  const setParams = (change: (q: URLSearchParams) => void) => {
    const q = new URLSearchParams(window.location.search);
    change(q);
    const s = q.toString();
    navigate(`/lineage${s ? `?${s}` : ""}`);
  };
  const openGroups = () => groupNames.filter((g) => !collapsedGroups.has(g));
  const setExpanded = (expanded: string[]) =>
    setParams((q) => {
      q.set("collapse", "groups");
      if (expanded.length > 0) q.set("expand", [...expanded].sort().join(","));
      else q.delete("expand");
    });
  const toggleGroup = (group: string) => {
    const open = new Set(openGroups());
    if (open.has(group)) open.delete(group);
    else {
      open.add(group);
      pendingCenter.current = model?.nodes.find((n) => n.group === group)?.key ?? null;
    }
    setExpanded([...open]);
  };
  const anyCollapsed = collapsedGroups.size > 0;
  const toggleAll = () =>
    setParams((q) => {
      q.delete("expand");
      if (anyCollapsed) {
        // Every asset: the default view already does that when nothing would be collapsed.
        if (auto.size > 0) q.set("collapse", "none");
        else q.delete("collapse");
      } else q.set("collapse", "groups");
    });
  const focusOn = (key: string) =>
    setParams((q) => {
      q.set("focus", key);
      if (!q.has("depth")) q.set("depth", "2");
    });
  const exitFocus = () =>
    setParams((q) => {
      q.delete("focus");
      q.delete("depth");
    });
  const setDepth = (d: string) => setParams((q) => q.set("depth", d));

  // ---- search navigation ------------------------------------------------------------------------
  /** Moves to hit number `n`: an asset drawn on its own is centred, one inside a collapsed group expands that group. */
  const goToHit = (n: number) => {
    if (!model || !display || search.hits.length === 0) return;
    const pos = ((n % search.hits.length) + search.hits.length) % search.hits.length;
    setHitPos(pos);
    const asset = search.hits[pos]!;
    const drawn = display.of[asset]!;
    if (drawn >= 0 && display.nodes[drawn]!.kind === "asset") {
      centerOnNode(drawn, 1);
      setCurrent(drawn);
      return;
    }
    if (focusSet) {
      // Outside the focused neighbourhood: leave focus mode and find it in the whole graph.
      pendingCenter.current = model.nodes[asset]!.key;
      setParams((q) => {
        q.delete("focus");
        q.delete("depth");
        q.set("collapse", "groups");
        q.set("expand", [...new Set([...openGroups(), model.nodes[asset]!.group])].sort().join(","));
      });
      return;
    }
    pendingCenter.current = model.nodes[asset]!.key;
    setExpanded([...new Set([...openGroups(), model.nodes[asset]!.group])]);
  };
  // Typing moves the view to the first match (or the box of its collapsed group) without changing what is expanded.
  useEffect(() => {
    if (!display || !scene || search.hits.length === 0) return;
    const drawn = display.of[search.hits[0]!]!;
    if (drawn < 0) return;
    if (display.nodes[drawn]!.kind === "asset") centerOnNode(drawn, 1);
    else centerOnNode(drawn, Math.min(1, view.current.k));
  }, [search]);
  useEffect(() => {
    // The search text is in the URL (every view has one), replaced rather than pushed per keystroke.
    const q = new URLSearchParams(window.location.search);
    if (searchText.trim() === "") q.delete("q");
    else q.set("q", searchText);
    const s = q.toString();
    const next = `/lineage${s ? `?${s}` : ""}`;
    if (next !== `${window.location.pathname}${window.location.search}`) window.history.replaceState(null, "", next);
  }, [searchText]);

  // ---- pointer ----------------------------------------------------------------------------------
  const hitTest = (clientX: number, clientY: number): number => {
    const el = wrap.current;
    const { display: d, scene: s } = state.current;
    if (!el || !d || !s) return -1;
    const rect = el.getBoundingClientRect();
    const { x, y, k } = view.current;
    const gx = (clientX - rect.left - x) / k, gy = (clientY - rect.top - y) / k;
    for (let i = 0; i < d.nodes.length; i++) {
      const nx = s.positions[i * 2]!, ny = s.positions[i * 2 + 1]!;
      if (gx >= nx && gx <= nx + s.widths[i]! && gy >= ny && gy <= ny + s.heights[i]!) return i;
    }
    return -1;
  };
  const hitTestRef = useRef(hitTest);
  hitTestRef.current = hitTest;
  const toggleRef = useRef(toggleGroup);
  toggleRef.current = toggleGroup;
  const pickRef = useRef(pickNodes);
  pickRef.current = pickNodes;
  const lassoBox = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = wrap.current;
    if (!el) return undefined;
    // A plain drag pans; a drag that starts with Shift held draws a lasso (sx, sy: where it started).
    let drag: { x: number; y: number; sx: number; sy: number; lasso: boolean; moved: boolean; id: number } | null = null;
    const lassoRect = (d: { sx: number; sy: number }, e: PointerEvent) => {
      const r = el.getBoundingClientRect();
      return { x0: d.sx - r.left, y0: d.sy - r.top, x1: e.clientX - r.left, y1: e.clientY - r.top };
    };
    const onDown = (e: PointerEvent) => {
      if (e.button !== 0 || (e.target as HTMLElement).closest("button, a, input, .lineage-detail")) return;
      drag = { x: e.clientX, y: e.clientY, sx: e.clientX, sy: e.clientY, lasso: e.shiftKey, moved: false, id: e.pointerId };
    };
    const onMove = (e: PointerEvent) => {
      if (!drag) return;
      const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (!drag.moved && Math.abs(e.clientX - drag.sx) + Math.abs(e.clientY - drag.sy) > 3) {
        drag.moved = true;
        el.setPointerCapture(drag.id);
        el.classList.add(drag.lasso ? "lassoing" : "dragging");
      }
      if (!drag.moved) return;
      if (drag.lasso) {
        const box = lassoBox.current;
        if (box) {
          const r = lassoRect(drag, e);
          box.style.display = "block";
          box.style.left = `${Math.min(r.x0, r.x1)}px`;
          box.style.top = `${Math.min(r.y0, r.y1)}px`;
          box.style.width = `${Math.abs(r.x1 - r.x0)}px`;
          box.style.height = `${Math.abs(r.y1 - r.y0)}px`;
        }
        return;
      }
      view.current.x += dx;
      view.current.y += dy;
      drag.x = e.clientX;
      drag.y = e.clientY;
      schedule();
    };
    const onUp = (e: PointerEvent) => {
      const d = drag;
      drag = null;
      el.classList.remove("dragging", "lassoing");
      if (lassoBox.current) lassoBox.current.style.display = "none";
      if (!d) return;
      if (d.moved) {
        const { scene: s, display: dg } = state.current;
        if (!d.lasso || !s || !dg) return;
        // The rectangle in graph coordinates: the nodes whose centre it encloses join the selection.
        const r = lassoRect(d, e);
        const { x, y, k } = view.current;
        pickRef.current(nodesInRect(s, dg.nodes.length, { x0: (r.x0 - x) / k, y0: (r.y0 - y) / k, x1: (r.x1 - x) / k, y1: (r.y1 - y) / k }), "add");
        return;
      }
      const i = hitTestRef.current(e.clientX, e.clientY);
      const node = i >= 0 ? state.current.display?.nodes[i] : undefined;
      // Shift, Ctrl or Cmd: in or out of the multi-selection; the node under the cursor stays as it was.
      if (e.shiftKey || e.ctrlKey || e.metaKey) {
        if (i >= 0) pickRef.current([i], "toggle");
      } else if (node?.kind === "group") toggleRef.current(node.group);
      else setCurrent(i);
    };
    const onDouble = (e: MouseEvent) => {
      const i = hitTestRef.current(e.clientX, e.clientY);
      const node = i >= 0 ? state.current.display?.nodes[i] : undefined;
      if (node?.kind === "asset") navigate(`/assets/${node.key}`);
    };
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const rect = el.getBoundingClientRect();
      const mx = e.clientX - rect.left, my = e.clientY - rect.top;
      const { x, y, k } = view.current;
      const nk = clampZoom(k * Math.exp(-e.deltaY * 0.0015));
      view.current = { k: nk, x: mx - ((mx - x) * nk) / k, y: my - ((my - y) * nk) / k };
      schedule();
    };
    el.addEventListener("pointerdown", onDown);
    el.addEventListener("pointermove", onMove);
    el.addEventListener("pointerup", onUp);
    el.addEventListener("dblclick", onDouble);
    el.addEventListener("wheel", onWheel, { passive: false });
    return () => {
      el.removeEventListener("pointerdown", onDown);
      el.removeEventListener("pointermove", onMove);
      el.removeEventListener("pointerup", onUp);
      el.removeEventListener("dblclick", onDouble);
      el.removeEventListener("wheel", onWheel);
    };
  }, [schedule]);

  // ---- keyboard ---------------------------------------------------------------------------------
  const moveCurrent = (dx: number, dy: number) => {
    const { display: d, scene: s } = state.current;
    if (!d || !s || d.nodes.length === 0) return;
    const cx = (i: number) => s.positions[i * 2]! + s.widths[i]! / 2;
    const cy = (i: number) => s.positions[i * 2 + 1]! + s.heights[i]! / 2;
    const from = current;
    if (from < 0) {
      // The first node: the top-left one of the view.
      let best = -1, score = Infinity;
      for (let i = 0; i < d.nodes.length; i++) {
        const sc = s.positions[i * 2]! + s.positions[i * 2 + 1]! * 2;
        if (sc < score) [best, score] = [i, sc];
      }
      setCurrent(best);
      centerOnNode(best, d.nodes[best]!.kind === "asset" ? 1 : 0);
      return;
    }
    // The nearest node in that direction, preferring ones in line with the current one.
    let best = -1, score = Infinity;
    const fx = cx(from), fy = cy(from);
    for (let i = 0; i < d.nodes.length; i++) {
      if (i === from) continue;
      const ox = cx(i) - fx, oy = cy(i) - fy;
      const along = ox * dx + oy * dy;
      if (along <= 1) continue;
      const across = Math.abs(ox * dy + oy * dx);
      const sc = along + across * 3;
      if (sc < score) [best, score] = [i, sc];
    }
    if (best < 0) return;
    setCurrent(best);
    const el = wrap.current;
    const v = view.current;
    const sx = v.x + cx(best) * v.k, sy = v.y + cy(best) * v.k;
    const isAsset = d.nodes[best]!.kind === "asset";
    if (!el || sx < 40 || sy < 40 || sx > el.clientWidth - 40 || sy > el.clientHeight - 40 || (isAsset && v.k < CARD_ZOOM)) centerOnNode(best, isAsset ? 1 : 0);
  };
  const onKeyDown = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    if ((e.target as HTMLElement) !== e.currentTarget) return;
    const node = current >= 0 ? display?.nodes[current] : undefined;
    const handled = (() => {
      switch (e.key) {
        case "ArrowRight":
          moveCurrent(1, 0);
          return true;
        case "ArrowLeft":
          moveCurrent(-1, 0);
          return true;
        case "ArrowDown":
          moveCurrent(0, 1);
          return true;
        case "ArrowUp":
          moveCurrent(0, -1);
          return true;
        case "Enter":
          if (node?.kind === "asset") navigate(`/assets/${node.key}`);
          else if (node?.kind === "group") toggleGroup(node.group);
          else moveCurrent(1, 0);
          return true;
        case "f":
        case "F":
          if (node?.kind === "asset") focusOn(node.key);
          return node !== undefined;
        case "+":
        case "=":
          zoomBy(ZOOM_STEP);
          return true;
        case "-":
          zoomBy(1 / ZOOM_STEP);
          return true;
        case "0":
          fit();
          return true;
        case " ":
          if (current >= 0) pickNodes([current], "toggle");
          return current >= 0;
        case "Escape":
          // The multi-selection first (what the launch bar acts on), then focus mode, then the cursor.
          if (picked.size > 0) clearPicked();
          else if (focusSet) exitFocus();
          else setCurrent(-1);
          return true;
        default:
          return false;
      }
    })();
    if (handled) e.preventDefault();
  };

  // ---- cards on screen --------------------------------------------------------------------------
  const onScreen = useMemo(() => {
    if (!win || !display || !scene) return [];
    const out: number[] = [];
    for (let i = 0; i < display.nodes.length; i++) {
      if (display.nodes[i]!.kind !== "asset") continue;
      const x = scene.positions[i * 2]!, y = scene.positions[i * 2 + 1]!;
      if (x + scene.widths[i]! >= win.x0 && x <= win.x1 && y + scene.heights[i]! >= win.y0 && y <= win.y1) out.push(i);
    }
    return out;
  }, [win, display, scene]);
  const partitionedOnScreen = useMemo(
    () => (model && display ? onScreen.flatMap((i) => { const node = display.nodes[i]!; return node.kind === "asset" && model.nodes[node.asset]!.partitioned ? [node.key] : []; }) : []),
    [onScreen, model, display],
  );
  const { health, error: healthError } = usePartitionHealth(partitionedOnScreen.length <= 200 ? partitionedOnScreen : partitionedOnScreen.slice(0, 200), version);

  if (error && !model) return <p className="error">{error}</p>;
  const currentNode = current >= 0 ? display?.nodes[current] : undefined;
  const ready = scene !== null && drawnFor === layoutKey;
  const hitKey = search.hits.length > 0 && model ? model.nodes[search.hits[Math.min(hitPos, search.hits.length - 1)]!]!.key : "";
  return (
    <div className="lineage-page launch-ui">
      <h1>
        Lineage{" "}
        {model ? (
          <span className="muted">
            ({model.nodes.length} assets, {model.edges.length / 2} edges, {groupNames.length} groups{focusSet ? `; focus: ${focusSet.size} assets` : anyCollapsed ? `; ${collapsedGroups.size} groups collapsed` : ""})
          </span>
        ) : null}
      </h1>
      <div className="toolbar lineage-toolbar" data-testid="lineage-toolbar">
        <div className="lineage-zoom" role="group" aria-label="Zoom">
          <button type="button" data-testid="lineage-fit" title="Fit the graph to the view (0)" onClick={() => fit()}>Fit</button>
          <button type="button" data-testid="lineage-zoom-in" title="Zoom in (+)" aria-label="Zoom in" onClick={() => zoomBy(ZOOM_STEP)}>+</button>
          <button type="button" data-testid="lineage-zoom-out" title="Zoom out (-)" aria-label="Zoom out" onClick={() => zoomBy(1 / ZOOM_STEP)}>−</button>
        </div>
        <div className="lineage-search">
          <input
            type="search"
            data-testid="lineage-search"
            aria-label="Search the graph: text, or a selection such as group:met or +atlas/marts/overview"
            placeholder="Search or select: text, group:x, +key, key+2"
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                goToHit(e.shiftKey ? hitPos - 1 : search.text === searchText.trim() && current >= 0 && display?.nodes[current]?.kind === "asset" && display.nodes[current].key === hitKey ? hitPos + 1 : hitPos);
              } else if (e.key === "Escape") setSearchText("");
            }}
          />
          <span className="muted" data-testid="lineage-search-count" aria-live="polite">
            {search.pending ? "…" : search.error ? "" : search.text !== "" ? (search.hits.length === 0 ? "no match" : `${Math.min(hitPos, search.hits.length - 1) + 1} of ${search.hits.length}`) : ""}
          </span>
          {search.hits.length > 0 && (
            <>
              <button type="button" aria-label="Previous match" title="Previous match (Shift+Enter)" onClick={() => goToHit(hitPos - 1)}>↑</button>
              <button type="button" aria-label="Next match" title="Next match (Enter)" data-testid="lineage-search-next" onClick={() => goToHit(current >= 0 && display?.nodes[current]?.key === hitKey ? hitPos + 1 : hitPos)}>↓</button>
            </>
          )}
          <button
            type="button"
            data-testid="lineage-select-matches"
            disabled={search.pending || search.hits.length === 0}
            title={search.hits.length === 0 ? "Search or type a selection first" : `Make the ${search.hits.length} match${search.hits.length === 1 ? "" : "es"} the selection to launch`}
            onClick={selectMatches}
          >
            Select matches
          </button>
        </div>
        {focusSet && focusKey ? (
          <div className="lineage-focus" role="group" aria-label="Focus">
            <span>Focus: <b>{focusKey}</b> ·</span>
            <label>
              levels{" "}
              <select value={depthParam} data-testid="lineage-depth" onChange={(e) => setDepth(e.target.value)}>
                {DEPTHS.map((d) => (
                  <option key={d} value={d}>{d}</option>
                ))}
              </select>
            </label>
            <button type="button" data-testid="lineage-exit-focus" onClick={exitFocus}>Show whole graph</button>
          </div>
        ) : (
          <button type="button" aria-pressed={anyCollapsed} data-testid="collapse-groups" onClick={toggleAll}>
            {anyCollapsed ? "Expand all groups" : "Collapse by group"}
          </button>
        )}
      </div>
      <div className="launch-bar lineage-launch-bar" role="group" aria-label="Selection and launching" data-testid="lineage-launch-bar">
        <span className="count" data-testid="lineage-selected-count" aria-live="polite">{picked.size} selected</span>
        <button type="button" data-testid="lineage-clear-selection" disabled={picked.size === 0} title={picked.size === 0 ? "Nothing is selected" : "Unselect every asset (Escape)"} onClick={clearPicked}>Clear</button>
        <button type="button" className="primary" data-testid="lineage-materialize-selected" disabled={!canOperate || picked.size === 0} title={!canOperate ? NEEDS_OPERATOR : picked.size === 0 ? NOTHING_PICKED : "The selected assets (the dialog shows the plan first)"} onClick={() => openLaunch("none")}>
          Materialize selected
        </button>
        <button type="button" data-testid="lineage-materialize-upstream" disabled={!canOperate || picked.size === 0} title={!canOperate ? NEEDS_OPERATOR : picked.size === 0 ? NOTHING_PICKED : "The selected assets and everything upstream of them"} onClick={() => openLaunch("upstream")}>
          + upstream
        </button>
        <button type="button" data-testid="lineage-materialize-downstream" disabled={!canOperate || picked.size === 0} title={!canOperate ? NEEDS_OPERATOR : picked.size === 0 ? NOTHING_PICKED : "The selected assets and everything downstream of them"} onClick={() => openLaunch("downstream")}>
          + downstream
        </button>
        <button type="button" data-testid="lineage-materialize-all" disabled={!canOperate} title={!canOperate ? NEEDS_OPERATOR : "Every asset of every location (the dialog shows the plan first)"} onClick={() => setLaunch({ selection: "*", title: "Materialize every asset" })}>
          Materialize all
        </button>
        <button
          type="button"
          data-testid="lineage-materialize-unsynced"
          disabled={!canOperate || unsynced.pending || unsyncedKeys.length === 0}
          title={!canOperate ? NEEDS_OPERATOR : unsyncedKeys.length === 0 ? (picked.size > 0 ? "None of the selected assets is unsynced" : "No asset is unsynced") : picked.size > 0 ? `The ${unsyncedKeys.length} unsynced assets of the selection` : "Every unsynced asset of every location"}
          onClick={() => unsynced.run(picked.size > 0 ? unsyncedKeys.join(", ") : null)}
        >
          Materialize unsynced ({unsyncedKeys.length})
        </button>
        <span className="muted hint">Shift-click or Shift-drag to select</span>
      </div>
      {launch && <LaunchDialog selection={launch.selection} title={launch.title} onClose={() => setLaunch(null)} />}
      {unsynced.result && <UnsyncedResult result={unsynced.result} onClose={unsynced.dismiss} />}
      {search.error && <p className="error" data-testid="lineage-search-error">{search.error}</p>}
      {focusMissing && <p className="error">No asset {JSON.stringify(focusKey)} in the graph: showing all of it.</p>}
      {error && model && <p className="error">{error}</p>}
      {healthError && <p className="error">{healthError}</p>}
      {!focusSet && anyCollapsed && (
        // A few groups as buttons in view; many behind a summary, so they do not push the graph off screen.
        <GroupToggles groups={groupNames} collapsed={collapsedGroups} onToggle={toggleGroup} />
      )}
      <div
        ref={wrap}
        className="graph-wrap lineage-wrap"
        tabIndex={0}
        role="group"
        aria-roledescription="graph"
        aria-label="Asset lineage graph: arrow keys move between nodes, Enter opens, Space adds to the selection, F focuses, + and - zoom, 0 fits, Escape clears the selection"
        aria-activedescendant={currentNode && onScreen.includes(current) ? `lineage-card-${current}` : undefined}
        onKeyDown={onKeyDown}
        data-testid="lineage"
        data-ready={ready ? "true" : "false"}
        data-version={version}
        data-node-count={model?.nodes.length ?? 0}
        data-drawn-count={ready && display ? display.nodes.length : 0}
        data-drawn-edges={ready && display ? display.edges.length / 2 : 0}
        data-mode={focusSet ? "focus" : anyCollapsed ? "groups" : "assets"}
        data-focus={focusSet ? focusKey : ""}
        data-current={currentNode?.key ?? ""}
        data-search-count={search.pending ? "" : String(search.hits.length)}
        data-search-hit={hitKey}
        data-picked-count={picked.size}
      >
        <canvas ref={canvas} aria-hidden="true" />
        <div className="lineage-world" ref={world}>
          {model &&
            display &&
            scene &&
            onScreen.map((i) => {
              const node = display.nodes[i]!;
              if (node.kind !== "asset") return null;
              return (
                <Card
                  key={node.key}
                  index={i}
                  info={model.nodes[node.asset]!}
                  x={scene.positions[i * 2]!}
                  y={scene.positions[i * 2 + 1]!}
                  height={scene.heights[i]!}
                  match={matches.has(i)}
                  picked={pickedDrawn.has(i)}
                  current={i === current}
                  focus={focusSet !== null && i === display.of[focusIndex]}
                  health={health.get(node.key)}
                  showGroup={focusSet !== null}
                />
              );
            })}
        </div>
        <div className="lineage-lasso" ref={lassoBox} data-testid="lineage-lasso" aria-hidden="true" />
        <div className="lineage-labels">
          {scene?.boxes.map((box, g) => {
            const node = box.node >= 0 ? display?.nodes[box.node] : undefined;
            const count = node?.kind === "group" ? node.count : (model?.nodes.filter((n) => n.group === box.group).length ?? 0);
            return (
              <button
                type="button"
                key={box.group}
                ref={(el) => {
                  labels.current[g] = el;
                }}
                className={`lineage-group-label ${node ? "collapsed" : "expanded"}`}
                data-testid="lineage-group-label"
                data-group={box.group}
                tabIndex={-1}
                title={node ? `Expand ${box.group}` : `Collapse ${box.group}`}
                onClick={(e) => {
                  // With Shift, Ctrl or Cmd the label picks its group's assets, as a click on the box would.
                  if (e.shiftKey || e.ctrlKey || e.metaKey) pickGroup(box.group);
                  else toggleGroup(box.group);
                }}
                style={{ display: "none" }}
              >
                <span className="name">{node ? "▸" : "▾"} {box.group}</span>
                <span className="count">
                  {count} asset{count === 1 ? "" : "s"}
                  {node?.kind === "group" && node.counts.FAILED > 0 ? ` · ${node.counts.FAILED} failed` : ""}
                  {node?.kind === "group" && node.counts.IN_PROGRESS > 0 ? ` · ${node.counts.IN_PROGRESS} running` : ""}
                  {node?.kind === "group" && node.unsynced > 0 ? ` · ${node.unsynced} unsynced` : ""}
                  {node && pickedDrawn.has(box.node) ? ` · ${pickedDrawn.get(box.node)} selected` : ""}
                </span>
              </button>
            );
          })}
        </div>
        {currentNode && model && <Detail node={currentNode} model={model} health={health} picked={currentNode.kind === "group" ? pickedDrawn.get(current) === currentNode.count : pickedDrawn.has(current)} onPick={() => pickNodes([current], "toggle")} onFocus={focusOn} onToggle={toggleGroup} onClose={() => setCurrent(-1)} />}
        <div className="graph-info muted">
          drag to pan · wheel or + − to zoom · click a node to select it, double-click to open · Shift-click or Shift-drag adds to the launch selection · a group label expands it
        </div>
        <div className="sr-only" aria-live="polite" data-testid="lineage-announce">
          {currentNode ? (currentNode.kind === "asset" && model ? describeAsset(model.nodes[currentNode.asset]!) : `group ${currentNode.group}`) : ""}
        </div>
      </div>
      {display && display.nodes.length <= 500 && (
        <ul aria-label="Nodes in the graph" className="sr-only">
          {display.nodes.map((n) =>
            n.kind === "asset" ? (
              <li key={n.key} data-testid="lineage-node" data-key={n.key} data-status={n.status} data-freshness={n.freshness ?? ""} data-sync={n.unsynced ? "UNSYNCED" : ""} data-picked={picked.has(n.key) ? "true" : "false"}>{n.key}{n.unsynced ? " (unsynced)" : ""}{picked.has(n.key) ? " (selected)" : ""}</li>
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

function GroupToggles(props: { groups: string[]; collapsed: ReadonlySet<string>; onToggle: (group: string) => void }) {
  const buttons = (
    <div className="toolbar lineage-groups" aria-label="Groups">
      {props.groups.map((g) => (
        <button type="button" key={g} aria-pressed={!props.collapsed.has(g)} data-testid={`group-toggle-${g}`} onClick={() => props.onToggle(g)}>
          {props.collapsed.has(g) ? "▸" : "▾"} {g}
        </button>
      ))}
    </div>
  );
  if (props.groups.length <= 8) return buttons;
  return (
    <details className="lineage-groups-menu">
      <summary>
        Groups: {props.groups.length - props.collapsed.size} of {props.groups.length} expanded (click a group's box to expand it)
      </summary>
      {buttons}
    </details>
  );
}

function describeAsset(a: AssetInfo): string {
  const when = a.lastMaterializedAt !== null ? `, last materialized ${relativeTime(a.lastMaterializedAt)}` : "";
  return `${a.key}: ${STATUS_TEXT[a.status]}${when}, group ${a.group}`;
}

function freshnessText(f: string | null): string {
  return f === null || f === "UNKNOWN" ? "" : f.toLowerCase();
}

function Card(props: { index: number; info: AssetInfo; x: number; y: number; height: number; match: boolean; picked: boolean; current: boolean; focus: boolean; health: PartitionHealth | undefined; showGroup: boolean }) {
  const { info: a, health } = props;
  const checks = checkSummary(a.checks);
  const fresh = freshnessText(a.freshness);
  const classes = ["lineage-card", props.match ? "match" : "", props.picked ? "picked" : "", props.current ? "current" : "", props.focus ? "focused" : ""].filter(Boolean).join(" ");
  return (
    <div id={`lineage-card-${props.index}`} className={classes} style={{ left: props.x, top: props.y, width: NODE_W, height: props.height }} data-testid="lineage-card" data-key={a.key} data-status={a.status} data-picked={props.picked ? "true" : "false"} role="img" aria-label={`${describeAsset(a)}${props.picked ? ", selected" : ""}`}>
      <div className="name" data-testid="lineage-card-name">
        {linesOf(a.key).map((line, i) => (
          <span className="line" key={i}>{line}</span>
        ))}
      </div>
      <div className="meta status-line">
        <span className="dot" aria-hidden="true" />
        {STATUS_TEXT[a.status]}
        {a.lastMaterializedAt !== null && (
          <span className="muted" title={new Date(a.lastMaterializedAt).toLocaleString(undefined, { timeZoneName: "short" })}>
            {" "}{a.status === "MATERIALIZED" ? "" : "· last "}{relativeTime(a.lastMaterializedAt)}
          </span>
        )}
      </div>
      <div className="meta">
        {props.showGroup ? <span className="muted">{a.group} · </span> : null}
        {a.kinds.length > 0 ? a.kinds.join(", ") : <span className="muted">no kind</span>}
        {a.partitioned && (
          <span className={health && health.failed > 0 ? "bad" : "muted"}>
            {" · "}
            {health ? `${health.materialized}/${health.total} partitions${health.failed > 0 ? `, ${health.failed} failed` : ""}` : "partitioned"}
          </span>
        )}
      </div>
      <div className="meta">
        <span className={`checks c-${checks.state}`}>{checks.state === "NONE" ? "no checks" : checks.text}</span>
        {fresh && <span className={`fresh f-${a.freshness ?? ""}`}> · {fresh}</span>}
        {a.sync.state === "UNSYNCED" && <span className="unsynced"> · unsynced</span>}
      </div>
    </div>
  );
}

function Detail(props: { node: DisplayGraph["nodes"][number]; model: GraphModel; health: Map<string, PartitionHealth>; picked: boolean; onPick: () => void; onFocus: (key: string) => void; onToggle: (group: string) => void; onClose: () => void }) {
  const { node, model } = props;
  if (node.kind === "group") {
    return (
      <div className="lineage-detail" data-testid="lineage-detail">
        <b>{node.group}</b> — {node.count} assets, {STATUS_TEXT[node.status].toLowerCase()}
        <div className="toolbar">
          <button type="button" onClick={() => props.onToggle(node.group)}>Expand</button>
          <button type="button" data-testid="lineage-detail-pick" onClick={props.onPick}>{props.picked ? "Unselect its assets" : "Select its assets"}</button>
          <button type="button" onClick={props.onClose}>Close</button>
        </div>
      </div>
    );
  }
  const a = model.nodes[node.asset]!;
  const i = node.asset;
  return (
    <div className="lineage-detail" data-testid="lineage-detail">
      <div className="detail-key">{a.key}</div>
      <div className="muted">
        {STATUS_TEXT[a.status]}
        {a.lastMaterializedAt !== null ? ` · last materialized ${new Date(a.lastMaterializedAt).toLocaleString(undefined, { timeZoneName: "short" })}` : ""} · group {a.group} · {a.location} · {model.up[i]!.length} upstream, {model.down[i]!.length} downstream
      </div>
      <div className="toolbar">
        <Link to={`/assets/${a.key}`} data-testid="lineage-detail-open">Open asset</Link>
        <button type="button" data-testid="lineage-detail-focus" onClick={() => props.onFocus(a.key)}>Focus (up- and downstream)</button>
        <button type="button" data-testid="lineage-detail-pick" aria-pressed={props.picked} onClick={props.onPick}>{props.picked ? "Remove from selection" : "Add to selection"} (Space)</button>
        <button type="button" onClick={props.onClose}>Close</button>
      </div>
    </div>
  );
}


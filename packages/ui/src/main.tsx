/** Entry: the app shell (navigation, `/` and Cmd-K search) and the route table. */
import { StrictMode, useEffect, useRef, useState } from "react";
import { createRoot } from "react-dom/client";
import { gql, graphql, useViewer } from "./api.js";
import { AssetPage } from "./features/assets/AssetPage.js";
import { Catalog } from "./features/assets/Catalog.js";
import { AutomationPage, AutomationTickPage } from "./features/automation/Automation.js";
import { BackfillPage, Backfills } from "./features/backfills/Backfills.js";
import { InstigatorPage, Instigators } from "./features/instigators/Instigators.js";
import { Lineage } from "./features/lineage/Lineage.js";
import { Locations } from "./features/locations/Locations.js";
import { Alerts } from "./features/observability/Observability.js";
import { Overview } from "./features/overview/Overview.js";
import { RunPage } from "./features/runs/RunPage.js";
import { Runs } from "./features/runs/Runs.js";
import { Link, navigate, useLocation } from "./router.js";
import type { SearchQuery } from "./generated/graphql.js";
import "./styles.css";

const NAV: Array<[string, string]> = [
  ["/", "Overview"],
  ["/assets", "Assets"],
  ["/lineage", "Lineage"],
  ["/runs", "Runs"],
  ["/backfills", "Backfills"],
  ["/schedules", "Schedules"],
  ["/sensors", "Sensors"],
  ["/automation", "Automation"],
  ["/locations", "Locations"],
  ["/alerts", "Alerts"],
];

const SEARCH = graphql(`query Search($text: String!) { search(text: $text, first: 12) { kind label path } }`);

/**
 * The global search: a combobox over assets, runs (by id or its first characters), schedules,
 * sensors and locations, ranked by the server. Arrow keys move through the hits, Enter opens the
 * highlighted one (the first by default), Escape or a click elsewhere closes the list.
 */
function SearchBox() {
  const [text, setText] = useState("");
  const [hits, setHits] = useState<SearchQuery["search"]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement || event.target instanceof HTMLSelectElement;
      if ((event.key === "/" && !typing) || (event.key === "k" && (event.metaKey || event.ctrlKey))) {
        event.preventDefault();
        input.current?.focus();
      }
    };
    // A press outside the search closes the list (the text stays, to reopen on focus).
    const onPointer = (event: PointerEvent) => {
      if (box.current && !box.current.contains(event.target as Node)) setOpen(false);
    };
    window.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onPointer);
    return () => {
      window.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPointer);
    };
  }, []);
  useEffect(() => {
    if (text.trim() === "") {
      setHits([]);
      setError(null);
      return undefined;
    }
    let live = true;
    const timer = setTimeout(() => {
      gql(SEARCH, { text }).then(
        (d) => {
          if (!live) return;
          setHits(d.search);
          setActive(0);
          setError(null);
        },
        (e: unknown) => {
          if (!live) return;
          setHits([]);
          setError(`Search failed: ${(e as Error).message}`);
        },
      );
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text]);
  const go = (path: string) => {
    setText("");
    setOpen(false);
    input.current?.blur();
    navigate(path);
  };
  const shown = open && text.trim() !== "";
  return (
    <div className="search" ref={box}>
      <input
        ref={input}
        role="combobox"
        aria-expanded={shown && hits.length > 0}
        aria-controls="search-hits"
        aria-autocomplete="list"
        aria-activedescendant={shown && hits[active] ? `search-hit-${active}` : undefined}
        placeholder="Search  ( / )"
        aria-label="Search assets, runs, schedules and sensors"
        value={text}
        onFocus={() => setOpen(true)}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            setOpen(true);
            if (hits.length > 0) setActive((i) => (i + (e.key === "ArrowDown" ? 1 : hits.length - 1)) % hits.length);
          } else if (e.key === "Enter") {
            const hit = hits[active] ?? hits[0];
            if (hit) go(hit.path);
          } else if (e.key === "Escape") {
            if (shown) setOpen(false);
            else setText("");
          } else if (e.key === "Tab") setOpen(false);
        }}
      />
      {shown && (hits.length > 0 || error) && (
        <ul className="search-hits" id="search-hits" role="listbox" aria-label="Search results" data-testid="search-hits">
          {error && <li className="error" role="presentation">{error}</li>}
          {hits.map((h, i) => (
            <li
              key={h.kind + h.path + h.label}
              id={`search-hit-${i}`}
              role="option"
              aria-selected={i === active}
              data-testid="search-hit"
              onPointerEnter={() => setActive(i)}
              // pointerdown, not click: the input keeps focus, and the outside-press handler sees a press inside.
              onPointerDown={(e) => {
                e.preventDefault();
                go(h.path);
              }}
            >
              <span className="kind">{h.kind}</span> {h.label}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Who is signed in, with the role (hidden in auth mode none, where everyone is admin and nameless). */
function UserBadge() {
  const viewer = useViewer();
  if (viewer === null) return null;
  if (viewer.role === null) return <span className="user muted" data-testid="user">Not signed in</span>;
  if (viewer.name === null) return null;
  return (
    <span className="user" data-testid="user" title={viewer.email ?? undefined}>
      {viewer.name} <span className="muted">({viewer.role})</span>
    </span>
  );
}

function Page() {
  const { path } = useLocation();
  if (path === "/") return <Overview />;
  if (path === "/assets") return <Catalog />;
  if (path.startsWith("/assets/")) return <AssetPage assetKey={path.slice("/assets/".length)} />;
  if (path === "/lineage") return <Lineage />;
  if (path === "/runs") return <Runs />;
  if (path.startsWith("/runs/")) return <RunPage runId={path.slice("/runs/".length)} />;
  if (path === "/backfills") return <Backfills />;
  if (path.startsWith("/backfills/")) return <BackfillPage id={path.slice("/backfills/".length)} />;
  if (path === "/schedules") return <Instigators kind="schedule" />;
  if (path === "/sensors") return <Instigators kind="sensor" />;
  if (path.startsWith("/schedules/") || path.startsWith("/sensors/")) return <InstigatorPage id={path.slice(path.indexOf("/", 1) + 1)} />;
  if (path === "/automation") return <AutomationPage />;
  if (path.startsWith("/automation/ticks/")) return <AutomationTickPage tickId={path.slice("/automation/ticks/".length)} />;
  if (path === "/locations") return <Locations />;
  if (path === "/alerts") return <Alerts />;
  return <p>No page at {path}.</p>;
}

function App() {
  const { path } = useLocation();
  return (
    <div className="shell">
      <header>
        <Link to="/" className="brand">
          Flyt
        </Link>
        <nav>
          {NAV.map(([to, label]) => (
            <Link key={to} to={to} className={(to === "/" ? path === "/" : path.startsWith(to)) ? "active" : ""}>
              {label}
            </Link>
          ))}
        </nav>
        <SearchBox />
        <UserBadge />
      </header>
      <main>
        <Page />
      </main>
    </div>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

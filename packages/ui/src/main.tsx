/** Entry: the app shell (navigation, `/` and Cmd-K search) and the route table. */
import { StrictMode, useEffect, useRef, useState } from "react";
import { createRoot } from "react-dom/client";
import { gql, graphql, useViewer } from "./api.js";
import { AssetPage } from "./features/assets/AssetPage.js";
import { Catalog } from "./features/assets/Catalog.js";
import { AutomationPage, AutomationTickPage } from "./features/automation/Automation.js";
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
  ["/schedules", "Schedules"],
  ["/sensors", "Sensors"],
  ["/automation", "Automation"],
  ["/locations", "Locations"],
  ["/alerts", "Alerts"],
];

const SEARCH = graphql(`query Search($text: String!) { search(text: $text, first: 12) { kind label path } }`);

function SearchBox() {
  const [text, setText] = useState("");
  const [hits, setHits] = useState<SearchQuery["search"]>([]);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement || event.target instanceof HTMLSelectElement;
      if ((event.key === "/" && !typing) || (event.key === "k" && (event.metaKey || event.ctrlKey))) {
        event.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  useEffect(() => {
    if (text.trim() === "") {
      setHits([]);
      return;
    }
    const timer = setTimeout(() => {
      gql(SEARCH, { text }).then((d) => setHits(d.search)).catch(() => setHits([]));
    }, 120);
    return () => clearTimeout(timer);
  }, [text]);
  const go = (path: string) => {
    setText("");
    input.current?.blur();
    navigate(path);
  };
  return (
    <div className="search">
      <input
        ref={input}
        placeholder="Search  ( / )"
        aria-label="Search"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && hits[0]) go(hits[0].path);
          if (e.key === "Escape") setText("");
        }}
      />
      {hits.length > 0 && (
        <ul className="search-hits">
          {hits.map((h) => (
            <li key={h.kind + h.path + h.label}>
              <button onClick={() => go(h.path)}>
                <span className="muted">{h.kind}</span> {h.label}
              </button>
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

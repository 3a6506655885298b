/** Code locations: status, load error with its message, reload. */
import { useState } from "react";
import { formatTime, gql, graphql, useQuery } from "../../api.js";

const LOCATIONS = graphql(`query Locations { locations { name status source errorMessage loadedAt updatedAt assetCount scheduleCount sensorCount } }`);
const RELOAD = graphql(`mutation Reload($name: String!) { reloadLocation(name: $name) { __typename ... on CodeLocation { status errorMessage } ... on Error { message } } }`);

export function Locations() {
  const { data, error, reload } = useQuery(LOCATIONS, {}, 3000);
  const [busy, setBusy] = useState<string | null>(null);
  return (
    <div>
      <h1>Code locations</h1>
      {error && <p className="error">{error}</p>}
      <table>
        <thead><tr><th>Name</th><th>Status</th><th>Source</th><th>Contents</th><th>Loaded</th><th></th></tr></thead>
        <tbody>
          {data?.locations.map((l) => (
            <tr key={l.name}>
              <td>{l.name}</td>
              <td><span className={`badge s-${l.status}`}>{l.status}</span>{l.errorMessage && <pre className="error">{l.errorMessage}</pre>}</td>
              <td className="muted">{l.source}</td>
              <td>{l.assetCount} assets · {l.scheduleCount} schedules · {l.sensorCount} sensors</td>
              <td>{formatTime(l.loadedAt)}</td>
              <td><button disabled={busy === l.name} onClick={() => { setBusy(l.name); void gql(RELOAD, { name: l.name }).finally(() => { setBusy(null); reload(); }); }}>{busy === l.name ? "Reloading…" : "Reload"}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

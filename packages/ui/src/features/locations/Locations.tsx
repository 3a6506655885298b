/** Code locations: status, load error with its message, reload (its refusal or failure shown). */
import { useState } from "react";
import { formatTime, gql, graphql, NEEDS_OPERATOR, useCanOperate, useQuery } from "../../api.js";

const LOCATIONS = graphql(`query Locations { locations { name status source errorMessage loadedAt updatedAt assetCount scheduleCount sensorCount } }`);
const RELOAD = graphql(`mutation Reload($name: String!) { reloadLocation(name: $name) { __typename ... on CodeLocation { status errorMessage } ... on Error { message } } }`);

export function Locations() {
  const { data, error, reload } = useQuery(LOCATIONS, {}, 3000);
  const [busy, setBusy] = useState<string | null>(null);
  const canOperate = useCanOperate();
  // A reload that is refused or fails says so beside the location (the load error itself shows in the status cell).
  const [reloadError, setReloadError] = useState<{ name: string; message: string } | null>(null);
  const reloadOne = async (name: string) => {
    setBusy(name);
    setReloadError(null);
    try {
      const { reloadLocation } = await gql(RELOAD, { name });
      if (reloadLocation.__typename !== "CodeLocation") setReloadError({ name, message: reloadLocation.message });
    } catch (e) {
      setReloadError({ name, message: (e as Error).message });
    } finally {
      setBusy(null);
      reload();
    }
  };
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
              <td>
                <button disabled={busy === l.name || !canOperate} title={canOperate ? undefined : NEEDS_OPERATOR} onClick={() => void reloadOne(l.name)}>{busy === l.name ? "Reloading…" : "Reload"}</button>
                {reloadError?.name === l.name && <div className="error" role="alert" data-testid="reload-error">Reload failed: {reloadError.message}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

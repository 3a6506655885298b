/** Schedules and sensors: state toggle, next ticks (schedule timezone and the viewer's), tick history. */
import { formatTime, gql, NEEDS_OPERATOR, useCanOperate, useQuery } from "../../api.js";
import { Link } from "../../router.js";

const LIST = `query Instigators { schedules { id name location target status cron timezone nextTicks(count: 1) description } sensors { id name location target status sensorType minimumIntervalSeconds description } }`;
const ONE = `query Instigator($id: String!) { instigator(id: $id) { __typename id name location target status defaultStatus description
  ... on Schedule { cron timezone nextTicks(count: 5) }
  ... on Sensor { sensorType minimumIntervalSeconds }
  ticks(first: 50) { tickId status tickTime runIds skipReason error }
} }`;
const SET = `mutation SetStatus($id: String!, $status: InstigatorStatus!) { setInstigatorStatus(id: $id, status: $status) { __typename ... on Error { message } } }`;

interface Item { id: string; name: string; location: string; target: string; status: "RUNNING" | "STOPPED"; description: string | null; cron?: string; timezone?: string; nextTicks?: number[]; sensorType?: string; minimumIntervalSeconds?: number }

function inZone(ms: number, timeZone: string): string {
  try {
    return new Date(ms).toLocaleString(undefined, { timeZone, timeZoneName: "short" });
  } catch {
    return new Date(ms).toISOString();
  }
}

function Toggle(props: { id: string; status: string; onDone: () => void }) {
  const next = props.status === "RUNNING" ? "STOPPED" : "RUNNING";
  const canOperate = useCanOperate();
  return (
    <button data-testid={`toggle-${props.id}`} disabled={!canOperate} title={canOperate ? undefined : NEEDS_OPERATOR} onClick={() => void gql(SET, { id: props.id, status: next }).then(props.onDone)}>
      {props.status === "RUNNING" ? "Stop" : "Start"}
    </button>
  );
}

export function Instigators(props: { kind: "schedule" | "sensor" }) {
  const { data, error, reload } = useQuery<{ schedules: Item[]; sensors: Item[] }>(LIST, {}, 5000);
  const items = props.kind === "schedule" ? data?.schedules : data?.sensors;
  return (
    <div>
      <h1>{props.kind === "schedule" ? "Schedules" : "Sensors"}</h1>
      {error && <p className="error">{error}</p>}
      <table>
        <thead><tr><th>Name</th><th>Status</th><th>Target</th><th>{props.kind === "schedule" ? "Cron · next tick" : "Type · interval"}</th><th></th></tr></thead>
        <tbody>
          {items?.map((i) => (
            <tr key={i.id} data-testid="instigator-row">
              <td><Link to={`/${props.kind}s/${encodeURIComponent(i.id)}`}>{i.name}</Link> <span className="muted">{i.location}</span></td>
              <td><span className={`badge s-${i.status}`} data-testid={`status-${i.id}`}>{i.status}</span></td>
              <td>{i.target}</td>
              <td>{props.kind === "schedule" ? <>{i.cron} ({i.timezone}) · {i.nextTicks?.[0] ? inZone(i.nextTicks[0], i.timezone ?? "UTC") : "—"}</> : <>{i.sensorType} · every {i.minimumIntervalSeconds} s</>}</td>
              <td><Toggle id={i.id} status={i.status} onDone={reload} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      {items?.length === 0 && <p className="muted">None defined.</p>}
    </div>
  );
}

interface Tick { tickId: number; status: string; tickTime: number; runIds: string[]; skipReason: string | null; error: string | null }

export function InstigatorPage(props: { id: string }) {
  const { data, error, reload } = useQuery<{ instigator: (Item & { __typename: string; defaultStatus: string; ticks: Tick[] }) | null }>(ONE, { id: props.id }, 5000);
  if (error) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const i = data.instigator;
  if (!i) return <p>No schedule or sensor {props.id}.</p>;
  return (
    <div>
      <h1>{i.name} <span className={`badge s-${i.status}`} data-testid="instigator-status">{i.status}</span> <Toggle id={i.id} status={i.status} onDone={reload} /></h1>
      <p className="muted">{i.__typename} in {i.location} · target {i.target} · default {i.defaultStatus}{i.description ? ` · ${i.description}` : ""}</p>
      {i.cron && (
        <>
          <h2>Next ticks ({i.cron})</h2>
          <table><thead><tr><th>In {i.timezone}</th><th>Your time</th></tr></thead><tbody>
            {i.nextTicks?.map((t) => <tr key={t}><td>{inZone(t, i.timezone ?? "UTC")}</td><td>{formatTime(t)}</td></tr>)}
          </tbody></table>
        </>
      )}
      <h2>Tick history</h2>
      <table>
        <thead><tr><th>Time</th><th>Status</th><th>Runs</th><th>Skip reason / error</th></tr></thead>
        <tbody>
          {i.ticks.map((t) => (
            <tr key={t.tickId}>
              <td>{formatTime(t.tickTime)}</td>
              <td><span className={`badge s-${t.status}`}>{t.status}</span></td>
              <td>{t.runIds.map((id) => <Link key={id} to={`/runs/${id}`}>{id.slice(0, 8)} </Link>)}</td>
              <td className={t.error ? "error" : "muted"}>{t.error ?? t.skipReason ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {i.ticks.length === 0 && <p className="muted">No ticks yet.</p>}
    </div>
  );
}

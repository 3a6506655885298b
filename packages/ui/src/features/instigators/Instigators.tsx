/**
 * Schedules and sensors: state toggle (a refusal or failure is shown, never swallowed), next ticks
 * (schedule timezone and the viewer's), a sensor's cursor, tick history with each tick's cursor.
 */
import { useState, type ReactNode } from "react";
import { formatTime, gql, graphql, NEEDS_OPERATOR, useCanOperate, useQuery } from "../../api.js";
import type { InstigatorsQuery, InstigatorStatus } from "../../generated/graphql.js";
import { Link } from "../../router.js";

const LIST = graphql(`query Instigators { schedules { __typename id name location target status cron timezone nextTicks(count: 1) description } sensors { __typename id name location target status sensorType minimumIntervalSeconds description } }`);
const ONE = graphql(`query Instigator($id: String!) { instigator(id: $id) { __typename id name location target status defaultStatus description
  ... on Schedule { cron timezone nextTicks(count: 5) }
  ... on Sensor { sensorType minimumIntervalSeconds cursor }
  ticks(first: 50) { tickId status tickTime runIds skipReason error cursor }
} }`);
const SET = graphql(`mutation SetStatus($id: String!, $status: InstigatorStatus!) { setInstigatorStatus(id: $id, status: $status) { __typename ... on Error { message } } }`);

type Item = InstigatorsQuery["schedules"][number] | InstigatorsQuery["sensors"][number];

function detail(i: Item): ReactNode {
  if (i.__typename === "Sensor") return <>{i.sensorType} · every {i.minimumIntervalSeconds} s</>;
  return <>{i.cron} ({i.timezone}) · {i.nextTicks[0] ? inZone(i.nextTicks[0], i.timezone) : "—"}</>;
}

function inZone(ms: number, timeZone: string): string {
  try {
    return new Date(ms).toLocaleString(undefined, { timeZone, timeZoneName: "short" });
  } catch {
    return new Date(ms).toISOString();
  }
}

function Toggle(props: { id: string; status: InstigatorStatus; onDone: () => void }) {
  const next = props.status === "RUNNING" ? "STOPPED" : "RUNNING";
  const canOperate = useCanOperate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      const { setInstigatorStatus: result } = await gql(SET, { id: props.id, status: next });
      if (result.__typename !== "Schedule" && result.__typename !== "Sensor") setError(`Could not ${next === "RUNNING" ? "start" : "stop"} it: ${result.message}`);
    } catch (e) {
      setError(`Could not ${next === "RUNNING" ? "start" : "stop"} it: ${(e as Error).message}`);
    } finally {
      setBusy(false);
      props.onDone();
    }
  };
  return (
    <>
      <button data-testid={`toggle-${props.id}`} disabled={!canOperate || busy} title={canOperate ? undefined : NEEDS_OPERATOR} onClick={() => void toggle()}>
        {props.status === "RUNNING" ? "Stop" : "Start"}
      </button>
      {error && <span className="error" role="alert" data-testid="toggle-error"> {error}</span>}
    </>
  );
}

export function Instigators(props: { kind: "schedule" | "sensor" }) {
  const { data, error, reload } = useQuery(LIST, {}, 5000);
  const items: Item[] | undefined = props.kind === "schedule" ? data?.schedules : data?.sensors;
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
              <td>{detail(i)}</td>
              <td><Toggle id={i.id} status={i.status} onDone={reload} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      {items?.length === 0 && <p className="muted">None defined.</p>}
    </div>
  );
}

export function InstigatorPage(props: { id: string }) {
  const { data, error, reload } = useQuery(ONE, { id: props.id }, 5000);
  if (error) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const i = data.instigator;
  if (!i) return <p>No schedule or sensor {props.id}.</p>;
  return (
    <div>
      <h1>{i.name} <span className={`badge s-${i.status}`} data-testid="instigator-status">{i.status}</span> <Toggle id={i.id} status={i.status} onDone={reload} /></h1>
      <p className="muted">{i.__typename} in {i.location} · target {i.target} · default {i.defaultStatus}{i.description ? ` · ${i.description}` : ""}</p>
      {i.__typename === "Schedule" && (
        <>
          <h2>Next ticks ({i.cron})</h2>
          <table><thead><tr><th>In {i.timezone}</th><th>Your time</th></tr></thead><tbody>
            {i.nextTicks.map((t) => <tr key={t}><td>{inZone(t, i.timezone)}</td><td>{formatTime(t)}</td></tr>)}
          </tbody></table>
        </>
      )}
      {i.__typename === "Sensor" && (
        <>
          <h2>Cursor</h2>
          <p data-testid="sensor-cursor">{i.cursor === null ? <span className="muted">None yet: the sensor has not set one (its first tick that returns a cursor will).</span> : <code>{i.cursor}</code>}</p>
          <p className="muted">{i.sensorType} · evaluated at most every {i.minimumIntervalSeconds} s. The cursor moves only when a tick succeeds.</p>
        </>
      )}
      <h2>Tick history</h2>
      <table>
        <thead><tr><th>Time</th><th>Status</th><th>Runs</th><th>Skip reason / error</th>{i.__typename === "Sensor" ? <th>Cursor</th> : null}</tr></thead>
        <tbody>
          {i.ticks.map((t) => (
            <tr key={t.tickId} data-testid="tick-row">
              <td>{formatTime(t.tickTime)}</td>
              <td><span className={`badge s-${t.status}`}>{t.status}</span></td>
              <td>{t.runIds.map((id) => <Link key={id} to={`/runs/${id}`}>{id.slice(0, 8)} </Link>)}</td>
              <td className={t.error ? "error" : "muted"}>{t.error ?? t.skipReason ?? ""}</td>
              {i.__typename === "Sensor" ? <td data-testid="tick-cursor">{t.cursor === null ? <span className="muted">—</span> : <code>{t.cursor}</code>}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
      {i.ticks.length === 0 && <p className="muted">No ticks yet.</p>}
    </div>
  );
}

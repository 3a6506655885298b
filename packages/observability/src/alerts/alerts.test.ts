/**
 * Alert tests against real local receivers: an HTTP server on 127.0.0.1 standing in for a
 * webhook endpoint and Slack, and an SMTP server (smtp-server) receiving email. Covers the body,
 * the HMAC signature, grouping of 40 stale assets into one alert, de-duplication, recovery,
 * rate limiting, retries with backoff, recording of failures, and config validation.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { InvalidConfigError } from "@flyt/core";
import { compileAlertsConfig } from "./config.js";
import { AlertEngine } from "./engine.js";
import { deliver, signatureFor } from "./channels.js";
import { MemoryAlertRecorder, type Alert, type AlertSignal } from "./types.js";
import { startWebhookReceiver, type WebhookReceiver } from "../testing/webhook-receiver.js";

/** A webhook receiver whose first `failFirst` requests answer 503 (a receiver that is briefly down). */
function receiver(failFirst = 0): Promise<WebhookReceiver> {
  return startWebhookReceiver((_request, index) => (index < failFirst ? 503 : 200));
}

/** A local port nothing listens on (bound, then released): connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

type FreshnessSignal = Extract<AlertSignal, { kind: "freshness" }>;
/** Soft line breaks removed, =XX bytes decoded as UTF-8. */
function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined[i] === "=" ? joined.slice(i + 1, i + 3) : "";
    if (/^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(joined.charCodeAt(i));
  }
  return Buffer.from(bytes).toString("utf8");
}

const stale = (i: number, at = 1_000): FreshnessSignal => ({
  kind: "freshness",
  assetKey: `atlas/ssb/table_${i}`,
  location: "atlas",
  state: "STALE",
  staleSince: Date.parse("2025-01-02T09:00:00Z"),
  reason: "missed the deadline",
  at,
});

test("webhook: signed JSON body; 40 stale assets become one alert; recovery is one resolved alert", async () => {
  const hook = await receiver();
  try {
    const config = compileAlertsConfig(
      {
        uiUrl: "https://flyt.example.org/",
        groupWindowSeconds: 0.2,
        channels: { ops: { type: "webhook", url: `${hook.url}/hook`, secretEnv: "HOOK_SECRET" } },
        rules: [{ name: "stale-atlas", on: "freshness", locations: ["atlas"], assets: ["atlas/ssb/*"], channels: ["ops"] }],
      },
      { HOOK_SECRET: "shh-its-a-secret" },
    );
    const recorder = new MemoryAlertRecorder();
    const engine = new AlertEngine({ config, recorder });
    for (let i = 0; i < 40; i++) engine.notify(stale(i));
    engine.notify(stale(3)); // duplicate
    engine.notify({ ...stale(99), assetKey: "other/thing" }); // not matched by the asset pattern
    await new Promise((resolve) => setTimeout(resolve, 600)); // the group window's timer sends it
    await engine.flush();
    assert.equal(hook.received.length, 1);
    const [request] = hook.received;
    assert.ok(request);
    assert.equal(request.path, "/hook");
    const timestamp = Number(request.headers["x-flyt-timestamp"]);
    assert.equal(request.headers["x-flyt-signature"], signatureFor("shh-its-a-secret", timestamp, request.body));
    const alert = JSON.parse(request.body) as Alert;
    assert.equal(alert.version, 1);
    assert.equal(alert.kind, "freshness");
    assert.equal(alert.status, "firing");
    assert.equal(alert.count, 40);
    assert.equal(alert.title, "40 assets are stale");
    assert.equal(alert.url, "https://flyt.example.org/assets?freshness=STALE");
    assert.equal(new Set(alert.items.map((i) => (i.kind === "freshness" ? i.assetKey : ""))).size, 40);

    engine.notify({ ...stale(5), state: "FRESH", staleSince: null, reason: "materialized" });
    engine.notify({ ...stale(77), state: "FRESH", staleSince: null, reason: "materialized" }); // never alerted stale: no recovery
    await engine.flush();
    assert.equal(hook.received.length, 2);
    const resolved = JSON.parse(hook.received[1]!.body) as Alert;
    assert.equal(resolved.status, "resolved");
    assert.equal(resolved.count, 1);
    assert.equal(resolved.title, "atlas/ssb/table_5 is fresh again");
    assert.equal(resolved.url, "https://flyt.example.org/assets/atlas/ssb/table_5");
    // Stale again after recovering: alerts again.
    engine.notify(stale(5, 2_000));
    await engine.flush();
    assert.equal(hook.received.length, 3);
    assert.deepEqual(recorder.entries.map((e) => e.outcome), ["sent", "sent", "sent"]);
  } finally {
    await hook.close();
  }
});

test("Slack: a readable message with a link into the UI; run failures filtered by location and tags", async () => {
  const slack = await receiver();
  try {
    const config = compileAlertsConfig(
      {
        uiUrl: "http://flyt.local",
        groupWindowSeconds: 0,
        channels: { slack: { type: "slack", urlEnv: "SLACK_URL" } },
        rules: [{ name: "failures", on: "run_failure", locations: ["atlas"], tags: { team: "data" }, channels: ["slack"] }],
      },
      { SLACK_URL: `${slack.url}/services/T000/B000/XXX` },
    );
    const engine = new AlertEngine({ config, recorder: new MemoryAlertRecorder() });
    const base = { kind: "run_failure" as const, assetKeys: ["atlas/ssb/population"], message: "Steps failed: atlas/ssb/population", at: 1 };
    engine.notify({ ...base, runId: "run-1", location: "atlas", tags: { team: "data" } });
    engine.notify({ ...base, runId: "run-2", location: "weather", tags: { team: "data" } });
    engine.notify({ ...base, runId: "run-3", location: "atlas", tags: { team: "web" } });
    await engine.flush();
    assert.equal(slack.received.length, 1);
    const message = JSON.parse(slack.received[0]!.body) as { text: string; blocks: Array<{ text: { text: string } }> };
    assert.equal(message.text, "Run run-1 failed in atlas — http://flyt.local/runs/run-1");
    const all = message.blocks.map((b) => b.text.text).join("\n");
    assert.match(all, /\*Run run-1 failed in atlas\*/);
    assert.match(all, /<http:\/\/flyt\.local\/runs\/run-1\|Open in Flyt>/);
  } finally {
    await slack.close();
  }
});

test("email over SMTP to a local server: subject and text; error-severity checks only", async () => {
  const mails: Array<{ from: string; to: string[]; data: string }> = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const { port } = smtp.server.address() as AddressInfo;
  try {
    const config = compileAlertsConfig({
      uiUrl: "http://flyt.local",
      groupWindowSeconds: 0,
      channels: { mail: { type: "email", host: "127.0.0.1", port, from: "flyt@example.org", to: ["oncall@example.org"] } },
      rules: [{ name: "checks", on: "check_failure", channels: ["mail"] }],
    });
    const recorder = new MemoryAlertRecorder();
    const engine = new AlertEngine({ config, recorder });
    const check = { kind: "check_failure" as const, assetKey: "atlas/ssb/population", location: "atlas", checkName: "non_null_region", runId: "r9", description: "3 rows with null region", at: 1 };
    engine.notify({ ...check, severity: "warn", checkName: "row_count" });
    engine.notify({ ...check, severity: "error" });
    await engine.flush();
    assert.equal(mails.length, 1);
    const [mail] = mails;
    assert.ok(mail);
    assert.equal(mail.from, "flyt@example.org");
    assert.deepEqual(mail.to, ["oncall@example.org"]);
    assert.match(mail.data, /^Subject: \[Flyt\] Check non_null_region failed on atlas\/ssb\/population/m);
    assert.match(mail.data, /^Content-Transfer-Encoding: quoted-printable/m);
    const text = decodeQuotedPrintable(mail.data);
    assert.match(text, /3 rows with null region/);
    assert.match(text, /Rule: checks · /);
    assert.match(text, /Open in Flyt: http:\/\/flyt\.local\/assets\/atlas\/ssb\/population\r?\n/);
    assert.equal(recorder.entries[0]?.outcome, "sent");
  } finally {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  }
});

test("delivery retries with backoff, then records the failure; the rate limit suppresses and records", async () => {
  const flaky = await receiver(2);
  const refused = await closedPort();
  try {
    const config = compileAlertsConfig({
      groupWindowSeconds: 0,
      maxAttempts: 3,
      retryDelayMs: 50,
      rateLimit: 2,
      channels: { hook: { type: "webhook", url: flaky.url }, dead: { type: "webhook", url: `http://127.0.0.1:${refused}/unreachable` } },
      rules: [
        { name: "loads", on: "location_load_failure", channels: ["hook"] },
        { name: "loads-dead", on: "location_load_failure", locations: ["weather"], channels: ["dead"] },
      ],
    });
    const recorder = new MemoryAlertRecorder();
    const started = Date.now();
    const engine = new AlertEngine({ config, recorder });
    engine.notify({ kind: "location_load_failure", location: "atlas", error: "SyntaxError in definitions.ts", at: 1 });
    await engine.flush();
    assert.ok(Date.now() - started >= 150 - 10, "two backoffs of 50 and 100 ms");
    assert.equal(flaky.received.length, 1);
    assert.deepEqual(recorder.entries.map((e) => [e.rule, e.outcome, e.attempts]), [["loads", "sent", 3]]);

    engine.notify({ kind: "location_load_failure", location: "weather", error: "ECONNREFUSED", at: 2 });
    await engine.flush();
    const failed = recorder.entries.find((e) => e.rule === "loads-dead");
    assert.equal(failed?.outcome, "failed");
    assert.equal(failed?.attempts, 3);
    // Not undici's bare "fetch failed": the host, what went wrong and the error code with the address.
    assert.equal(failed?.error, `POST to 127.0.0.1:${refused} failed: connection refused (ECONNREFUSED 127.0.0.1:${refused})`);

    engine.notify({ kind: "location_load_failure", location: "atlas", error: "another error", at: 3 });
    await engine.flush();
    assert.equal(recorder.entries.filter((e) => e.rule === "loads" && e.outcome === "suppressed").length, 1, "third alert of rule loads is over the limit of 2");
    assert.equal(flaky.received.length, 2);
  } finally {
    await flaky.close();
  }
});

test("delivery errors say what failed: HTTP status and host, DNS, SMTP refused — not fetch's bare \"fetch failed\"", async () => {
  const alert: Alert = { version: 1, id: "a1", rule: "leader", kind: "leader_lost", status: "firing", title: "t", summary: "s", items: [], url: null, createdAt: "2025-01-01T00:00:00Z", count: 1 };
  const down = await receiver(10);
  const refused = await closedPort();
  try {
    const config = compileAlertsConfig({
      channels: {
        down: { type: "webhook", url: `${down.url}/hooks/secret-token` },
        nowhere: { type: "webhook", url: "https://flyt-no-such-host.invalid/services/T0/B0/x" },
        mail: { type: "email", host: "127.0.0.1", port: refused, from: "flyt@example.org", to: ["oncall@example.org"] },
      },
      rules: [{ name: "leader", on: "leader_lost", channels: ["down", "nowhere", "mail"] }],
    });
    const failure = async (name: string): Promise<string> => {
      try {
        await deliver(config.channels.get(name)!, alert);
      } catch (error) {
        return (error as Error).message;
      }
      return "delivered";
    };
    const host = new URL(down.url).host;
    assert.equal(await failure("down"), `HTTP 503 Service Unavailable from ${host}: unavailable`);
    assert.match(await failure("nowhere"), /^POST to flyt-no-such-host\.invalid failed: (host not found|DNS lookup failed \(temporary\)) \((ENOTFOUND|EAI_AGAIN) flyt-no-such-host\.invalid\)$/);
    assert.match(await failure("mail"), new RegExp(`^SMTP to 127\\.0\\.0\\.1:${refused} failed: connect ECONNREFUSED 127\\.0\\.0\\.1:${refused} \\[E[A-Z]+\\]$`));
    assert.doesNotMatch(await failure("down"), /secret-token/, "the URL's path (a token) stays out of the message");
  } finally {
    await down.close();
  }
});

test("leader lost: fires once after the threshold, again only after a leader came back", async () => {
  const hook = await receiver();
  try {
    let now = 0;
    const config = compileAlertsConfig({
      groupWindowSeconds: 0,
      channels: { hook: { type: "webhook", url: hook.url } },
      rules: [{ name: "leader", on: "leader_lost", thresholdSeconds: 60, channels: ["hook"] }],
    });
    const engine = new AlertEngine({ config, recorder: new MemoryAlertRecorder(), now: () => now });
    engine.observeLeader(false);
    now = 59_000;
    engine.observeLeader(false);
    await engine.flush();
    assert.equal(hook.received.length, 0);
    now = 61_000;
    engine.observeLeader(false);
    now = 120_000;
    engine.observeLeader(false);
    await engine.flush();
    assert.equal(hook.received.length, 1);
    assert.equal((JSON.parse(hook.received[0]!.body) as Alert).title, "No Flyt daemon is leading");
    engine.observeLeader(true);
    now = 200_000;
    engine.observeLeader(false);
    now = 261_000;
    engine.observeLeader(false);
    await engine.flush();
    assert.equal(hook.received.length, 2);
  } finally {
    await hook.close();
  }
});

test("config errors name the field at fault", () => {
  assert.throws(() => compileAlertsConfig({ rules: [{ name: "x", on: "run_failure", channels: ["nope"] }] }), (e: unknown) => e instanceof InvalidConfigError && /alerts\.rules\.0\.channels: no channel named "nope"/.test(e.message));
  assert.throws(() => compileAlertsConfig({ channels: { s: { type: "slack", urlEnv: "MISSING_VAR" } } }, {}), /alerts\.channels\.s\.urlEnv: environment variable MISSING_VAR is not set/);
  assert.throws(() => compileAlertsConfig({ rules: [{ name: "x", on: "sometimes", channels: [] }] }), /alerts\.rules\.0\.on/);
  assert.throws(() => compileAlertsConfig({ channels: { w: { type: "webhook", url: "ftp://x" } } }), /must be an http\(s\) URL/);
  const compiled = compileAlertsConfig({ channels: { s: { type: "slack", urlEnv: "SLACK" } } }, { SLACK: "https://hooks.example/abc" });
  assert.deepEqual(compiled.secrets, ["https://hooks.example/abc"]);
});

/**
 * Delivery of one alert to one channel: generic webhook (the Alert as JSON, optionally signed
 * with HMAC-SHA256), Slack incoming webhook (a readable message with a link into the UI), and
 * email over SMTP (nodemailer). Each send throws on failure; the engine retries.
 */
import { createHmac } from "node:crypto";
import { FlytError } from "@flyt/core";
import nodemailer from "nodemailer";
import type { CompiledChannel } from "./config.js";
import type { Alert } from "./types.js";

const TIMEOUT_MS = 10_000;

/** `X-Flyt-Signature` value for a body sent at `timestamp` (unix seconds). */
export function signatureFor(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export async function deliver(channel: CompiledChannel, alert: Alert): Promise<void> {
  switch (channel.type) {
    case "webhook": {
      const body = JSON.stringify(alert);
      const headers: Record<string, string> = { ...channel.headers, "content-type": "application/json", "user-agent": "flyt-alerts/1" };
      if (channel.secret !== null) {
        const timestamp = Math.floor(Date.now() / 1000);
        headers["x-flyt-timestamp"] = String(timestamp);
        headers["x-flyt-signature"] = signatureFor(channel.secret, timestamp, body);
      }
      await post(channel.url, body, headers);
      return;
    }
    case "slack":
      await post(channel.url, JSON.stringify(slackMessage(alert)), { "content-type": "application/json" });
      return;
    case "email": {
      const transport = nodemailer.createTransport({
        host: channel.host,
        port: channel.port,
        secure: channel.secure,
        ...(channel.user === null ? {} : { auth: { user: channel.user, pass: channel.password ?? "" } }),
        connectionTimeout: TIMEOUT_MS,
        greetingTimeout: TIMEOUT_MS,
        socketTimeout: TIMEOUT_MS,
      });
      try {
        await transport.sendMail({ from: channel.from, to: channel.to, subject: `[Flyt] ${alert.title}`, text: emailText(alert) });
      } catch (error) {
        throw new AlertDeliveryError(`SMTP to ${channel.host}:${channel.port} failed: ${describeSmtpError(error)}`, { cause: error });
      } finally {
        transport.close();
      }
      return;
    }
  }
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<void> {
  const host = hostOf(url);
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", body, headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    // undici says only "fetch failed"; the reason (refused, DNS, TLS, timeout) is in its cause.
    throw new AlertDeliveryError(`POST to ${host} failed: ${describeNetworkError(error)}`, { cause: error });
  }
  const text = await response.text().catch(() => "");
  if (!response.ok) throw new AlertDeliveryError(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""} from ${host}${text ? `: ${text.slice(0, 200)}` : ""}`);
}

/** A channel refused or could not be reached; the message names the host and the cause (never the URL's path, which may hold a token). */
export class AlertDeliveryError extends FlytError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ALERT_DELIVERY", message, options);
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid URL)";
  }
}

/**
 * "connection refused (ECONNREFUSED 127.0.0.1:9)", "timed out after 10 s", "host not found
 * (ENOTFOUND hooks.example)": the error codes and addresses nested in fetch's `cause` chain.
 */
export function describeNetworkError(error: unknown): string {
  const chain: Array<Record<string, unknown>> = [];
  for (let e: unknown = error; e !== null && typeof e === "object" && chain.length < 5; e = (e as { cause?: unknown }).cause) chain.push(e as Record<string, unknown>);
  const top = chain[0];
  if (top === undefined) return String(error);
  if (top.name === "TimeoutError" || top.name === "AbortError") return `timed out after ${TIMEOUT_MS / 1000} s`;
  // The deepest error that carries a code says most (undici wraps AggregateErrors of each address).
  const coded = [...chain].reverse().find((e) => typeof e.code === "string") ?? firstAggregated(chain);
  if (coded !== undefined) {
    const code = String(coded.code);
    const where = typeof coded.address === "string" ? ` ${coded.address}${typeof coded.port === "number" ? `:${coded.port}` : ""}` : typeof coded.hostname === "string" ? ` ${coded.hostname}` : "";
    const words = NETWORK_CODES[code];
    if (words) return `${words} (${code}${where})`;
    const message = typeof coded.message === "string" ? coded.message : code;
    return `${message}${where && !message.includes(where.trim()) ? ` (${where.trim()})` : ""}`;
  }
  const deepest = chain[chain.length - 1]!;
  const message = [deepest.message, top.message].find((m) => typeof m === "string");
  return typeof message === "string" ? message : String(error);
}

function firstAggregated(chain: Array<Record<string, unknown>>): Record<string, unknown> | undefined {
  for (const e of chain) {
    const errors = e.errors;
    if (Array.isArray(errors)) {
      const first = errors.find((x: unknown) => x !== null && typeof x === "object" && typeof (x as { code?: unknown }).code === "string");
      if (first) return first as Record<string, unknown>;
    }
  }
  return undefined;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "DNS lookup failed (temporary)",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  UND_ERR_SOCKET: "socket closed by the server",
  UND_ERR_HEADERS_TIMEOUT: "no response headers in time",
  CERT_HAS_EXPIRED: "TLS certificate expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed TLS certificate",
  SELF_SIGNED_CERT_IN_CHAIN: "self-signed TLS certificate in chain",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS certificate not verifiable",
  ERR_TLS_CERT_ALTNAME_INVALID: "TLS certificate does not match the host",
};

/** nodemailer's errors carry a code (ECONNECTION, EAUTH, EENVELOPE) and the server's reply code. */
function describeSmtpError(error: unknown): string {
  const e = (error ?? {}) as { message?: unknown; code?: unknown; responseCode?: unknown; cause?: unknown };
  const parts = [typeof e.code === "string" ? e.code : null, typeof e.responseCode === "number" ? `reply ${e.responseCode}` : null].filter(Boolean);
  const message = typeof e.message === "string" ? e.message : String(error);
  const network = e.cause !== undefined ? ` (${describeNetworkError(e.cause)})` : "";
  return `${message}${parts.length > 0 ? ` [${parts.join(", ")}]` : ""}${network}`;
}

/** Slack Block Kit message: headline, summary, up to 10 items, and a link into the UI. */
export function slackMessage(alert: Alert): { text: string; blocks: unknown[] } {
  const icon = alert.status === "resolved" ? ":white_check_mark:" : ":rotating_light:";
  const lines = alert.items.slice(0, 10).map((item) => `• ${itemLine(item)}`);
  if (alert.items.length > 10) lines.push(`…and ${alert.items.length - 10} more`);
  const blocks: unknown[] = [
    { type: "section", text: { type: "mrkdwn", text: `${icon} *${escapeSlack(alert.title)}*\n${escapeSlack(alert.summary)}` } },
    { type: "section", text: { type: "mrkdwn", text: lines.map(escapeSlack).join("\n") } },
  ];
  if (alert.url !== null) blocks.push({ type: "section", text: { type: "mrkdwn", text: `<${alert.url}|Open in Flyt>` } });
  return { text: `${alert.title}${alert.url === null ? "" : ` — ${alert.url}`}`, blocks };
}

function emailText(alert: Alert): string {
  const lines = [alert.title, "", alert.summary, "", ...alert.items.map((item) => `- ${itemLine(item)}`)];
  if (alert.url !== null) lines.push("", `Open in Flyt: ${alert.url}`);
  lines.push("", `Rule: ${alert.rule} · ${alert.createdAt}`);
  return lines.join("\n");
}

export function itemLine(item: Alert["items"][number]): string {
  switch (item.kind) {
    case "run_failure":
      return `run ${item.runId} (${item.location}) failed: ${item.message}`;
    case "freshness":
      return `${item.assetKey} is ${item.state}${item.state === "STALE" && item.staleSince !== null ? ` since ${new Date(item.staleSince).toISOString()}` : ""}: ${item.reason}`;
    case "check_failure":
      return `check ${item.checkName} on ${item.assetKey} failed (${item.severity}, run ${item.runId})${item.description ? `: ${item.description}` : ""}`;
    case "location_load_failure":
      return `code location ${item.location} failed to load: ${item.error}`;
    case "leader_lost":
      return `no daemon has held the leader lease since ${new Date(item.leaderlessSince).toISOString()}`;
  }
}

function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Delivery of one alert to one channel: generic webhook (the Alert as JSON, optionally signed
 * with HMAC-SHA256), Slack incoming webhook (a readable message with a link into the UI), and
 * email over SMTP (nodemailer). Each send throws on failure; the engine retries.
 */
import { createHmac } from "node:crypto";
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
      } finally {
        transport.close();
      }
      return;
    }
  }
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<void> {
  const response = await fetch(url, { method: "POST", body, headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  const text = await response.text().catch(() => "");
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${new URL(url).host}${text ? `: ${text.slice(0, 200)}` : ""}`);
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

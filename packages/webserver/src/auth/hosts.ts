/**
 * The Host allowlist: which names this webserver answers to for the UI and the API. Without it,
 * a page on any site could make a browser reach a webserver in auth mode `none` by rebinding its
 * own DNS name to the webserver's address (the request's Host then names the attacker's domain,
 * and a CSRF check that compares Origin with Host passes). Loopback names are always allowed;
 * everything else must be listed (`webserver.allowedHosts`, plus the host of `webserver.publicUrl`).
 * Entries are host names without port, case-insensitive; `*` matches any run of characters
 * (`flyt.*` for every installation's `flyt.<domain>`), and a lone `*` turns the check off.
 * Paths with their own authentication or no state (ingest, health, metrics) are not checked:
 * kubelet probes and Prometheus address pods by IP.
 */
import { InvalidConfigError } from "@flyt/core";
import { ApiError } from "@flyt/protocol";
import type { IncomingMessage } from "node:http";

const LOOPBACK = ["localhost", "*.localhost", "127.0.0.1", "::1"];
const ENTRY = /^[A-Za-z0-9*._:-]+$/;

/** The host name of a Host header (`a.b:3000` → `a.b`, `[::1]:3000` → `::1`), lower-case; null when malformed. */
export function hostName(header: string | undefined): string | null {
  if (header === undefined || header === "") return null;
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::\d{1,5})?$/.exec(header);
  if (bracketed) return bracketed[1]!.toLowerCase();
  const plain = /^([^:[\]\s/]+)(?::\d{1,5})?$/.exec(header);
  return plain ? plain[1]!.toLowerCase() : null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

export class HostAllowlist {
  private readonly patterns: RegExp[];
  readonly entries: string[];
  readonly open: boolean;

  /** @throws InvalidConfigError naming the entry at fault */
  constructor(allowed: readonly string[], where = "webserver.allowedHosts") {
    allowed.forEach((entry, i) => {
      if (typeof entry !== "string" || !ENTRY.test(entry)) {
        throw new InvalidConfigError(`${where}.${i}`, `${JSON.stringify(entry)} is not a host name or pattern (letters, digits, '.', '-', ':' and '*'; no scheme, port or path)`);
      }
    });
    this.open = allowed.includes("*");
    this.entries = [...new Set([...LOOPBACK, ...allowed.map((e) => e.toLowerCase())])];
    this.patterns = this.entries.map((entry) => new RegExp(`^${entry.split("*").map(escapeRegExp).join(".*")}$`));
  }

  allows(host: string): boolean {
    return this.open || this.patterns.some((pattern) => pattern.test(host));
  }

  /** @throws ApiError FORBIDDEN (403) when the request's Host is not served here. */
  check(request: IncomingMessage): void {
    if (this.open) return;
    const name = hostName(request.headers.host);
    if (name !== null && this.allows(name)) return;
    throw new ApiError(
      "FORBIDDEN",
      name === null
        ? "Request refused: it has no valid Host header."
        : `Request refused: this webserver does not answer to host ${JSON.stringify(name)}. If that is its address, add it to webserver.allowedHosts in flyt.yaml (or FLYT_WEBSERVER_ALLOWED_HOSTS); this guards against DNS rebinding.`,
    );
  }
}

/**
 * Trusted proxy addresses: identity headers count only when the TCP peer (the socket's remote
 * address, never X-Forwarded-For) is one of these addresses or CIDR ranges.
 */
import { BlockList, isIP } from "node:net";
import { InvalidConfigError } from "@flyt/core";

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is treated as `10.0.0.1`. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

export class ProxyTrust {
  private readonly list = new BlockList();
  readonly entries: readonly string[];

  /** @throws InvalidConfigError naming the entry that is not an address or CIDR. */
  constructor(entries: readonly string[], where = "auth.trustedProxies") {
    this.entries = [...entries];
    entries.forEach((entry, index) => {
      const [address = "", prefixText, extra] = entry.trim().split("/");
      const family = isIP(address);
      const prefix = prefixText === undefined ? (family === 6 ? 128 : 32) : Number(prefixText);
      const max = family === 6 ? 128 : 32;
      if (family === 0 || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max || (prefixText !== undefined && !/^\d+$/.test(prefixText))) {
        throw new InvalidConfigError(where, `${where}.${index}: ${JSON.stringify(entry)} is not an IP address or CIDR range (e.g. 10.42.0.0/16 or 127.0.0.1)`);
      }
      this.list.addSubnet(address, prefix, family === 6 ? "ipv6" : "ipv4");
    });
  }

  trusts(remoteAddress: string | undefined): boolean {
    if (!remoteAddress || this.entries.length === 0) return false;
    const address = normalizeAddress(remoteAddress);
    const family = isIP(address);
    if (family === 0) return false;
    return this.list.check(address, family === 6 ? "ipv6" : "ipv4");
  }
}

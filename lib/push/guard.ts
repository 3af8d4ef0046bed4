/** The receiver's defences that need no database: per-serial rate limits and source networks. */
import { BlockList, isIP } from 'node:net';
import { parseNetwork } from '../devices/input.js';

/**
 * A token bucket per serial number: `perMinute` requests a minute, bursts up to as many. A device
 * over it gets 429 and retries later; the others are not slowed down.
 */
export class SerialRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** null when the request may go on, else the seconds to wait. */
  take(serial: string): number | null {
    if (this.perMinute === 0) return null;
    const now = this.now();
    const ratePerMs = this.perMinute / 60_000;
    const bucket = this.buckets.get(serial) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * ratePerMs);
    bucket.at = now;
    if (this.buckets.size > 10_000) this.forgetFull();
    this.buckets.set(serial, bucket);
    if (bucket.tokens < 1) return Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000));
    bucket.tokens -= 1;
    return null;
  }

  /** Made-up serials must not grow the map without end: full buckets hold nothing worth keeping. */
  private forgetFull(): void {
    for (const [serial, bucket] of this.buckets) {
      if (bucket.tokens + (this.now() - bucket.at) * (this.perMinute / 60_000) >= this.perMinute) {
        this.buckets.delete(serial);
      }
    }
  }
}

/** An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d. */
export function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address;
}

/** Whether `address` lies in one of `networks` (CIDR); no list means anywhere. */
export function isAllowedSource(address: string, networks: readonly string[] | null): boolean {
  if (networks === null || networks.length === 0) return true;
  const plain = plainAddress(address);
  const family = isIP(plain);
  if (family === 0) return false;
  const list = new BlockList();
  for (const text of networks) {
    const network = parseNetwork(text);
    if (network) list.addSubnet(network.address, network.prefix, network.family);
  }
  return list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

import type { RateLimit } from './config.js';

/** Two token buckets (messages, bytes) per connection. `take` says whether a frame fits the budget. */
export class ConnectionBudget {
  private messages: number;
  private bytes: number;
  private last = performance.now();
  /** consecutive refusals; a connection that keeps flooding is cut */
  strikes = 0;

  constructor(private readonly limit: RateLimit) {
    this.messages = limit.burstMessages;
    this.bytes = limit.burstBytes;
  }

  take(bytes: number): boolean {
    const now = performance.now();
    const elapsed = (now - this.last) / 1000;
    this.last = now;
    this.messages = Math.min(this.limit.burstMessages, this.messages + elapsed * this.limit.messagesPerSecond);
    this.bytes = Math.min(this.limit.burstBytes, this.bytes + elapsed * this.limit.bytesPerSecond);
    if (this.messages < 1 || this.bytes < bytes) {
      this.strikes++;
      return false;
    }
    this.messages -= 1;
    this.bytes -= bytes;
    this.strikes = 0;
    return true;
  }
}

/** At most `hz` events per second, no burst beyond one second's worth; extra are dropped (volatile traffic). */
export class HzGate {
  private tokens: number;
  private last = performance.now();
  constructor(private readonly hz: number) {
    this.tokens = hz;
  }
  pass(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.hz, this.tokens + ((now - this.last) / 1000) * this.hz);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Approximate wire size of an event's arguments (binary counted exactly, the rest as JSON). */
export function approxSize(value: unknown, depth = 0): number {
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (value === null || value === undefined) return 4;
  if (typeof value === 'string') return value.length;
  if (typeof value === 'number' || typeof value === 'boolean') return 8;
  if (typeof value === 'function') return 0;
  if (depth > 8) return 64;
  let total = 2;
  if (Array.isArray(value)) {
    for (const item of value) total += approxSize(item, depth + 1) + 1;
    return total;
  }
  if (typeof value === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) total += key.length + 3 + approxSize(item, depth + 1);
  }
  return total;
}

/**
 * What Meshboard's own services refused while a scenario ran, read from their Prometheus `/metrics`: the
 * signaling service's `meshboard_signaling_rejected_total` (by reason) and the connections it ended on a missed
 * heartbeat (`ping timeout`), and the store's requests answered 4xx/5xx (by route and status). A lost or late
 * delivery in a row can then be told apart from a refusal by our own limits. Counters only grow, so a row
 * reports the difference between two readings.
 */
export type Refusals = Record<string, number>;

async function counters(url: string): Promise<Refusals> {
  const text = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) }).then((r) => r.text());
  const out: Refusals = {};
  for (const line of text.split('\n')) {
    const rejected = /^meshboard_signaling_rejected_total\{reason="([^"]+)"\} (\d+(?:\.\d+)?)$/.exec(line);
    if (rejected) out[`signaling ${rejected[1]}`] = Number(rejected[2]);
    // a connection the service ended because the client missed its heartbeat: that client misses relay frames
    // until it is back (its first full state exchange then repairs it)
    const disconnect = /^meshboard_signaling_disconnects_total\{reason="(ping timeout)"\} (\d+(?:\.\d+)?)$/.exec(line);
    if (disconnect) out[`signaling disconnect: ${disconnect[1]}`] = Number(disconnect[2]);
    const request = /^meshboard_persistence_requests_total\{(.*)\} (\d+(?:\.\d+)?)$/.exec(line);
    if (request) {
      const labels = Object.fromEntries([...request[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      if (Number(labels.status) >= 400) out[`store ${labels.route} ${labels.status}`] = Number(request[2]);
    }
  }
  return out;
}

/** a reading of both services; never throws (a service that does not answer reads as nothing refused) */
export async function readRefusals(urls: string[]): Promise<Refusals> {
  const all = await Promise.all(urls.map((url) => counters(url).catch(() => ({}) as Refusals)));
  return Object.assign({}, ...all) as Refusals;
}

/** what grew between two readings, zero entries left out */
export function refusalsSince(before: Refusals, after: Refusals): Refusals {
  const out: Refusals = {};
  for (const [key, value] of Object.entries(after)) if (value - (before[key] ?? 0) > 0) out[key] = value - (before[key] ?? 0);
  return out;
}

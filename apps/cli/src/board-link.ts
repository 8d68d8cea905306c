/**
 * A board link as the web app hands it out: `https://host/b/<boardId>#<token>`. The token rides in the
 * fragment (never sent to a server by a browser); the CLI reads it from the link it is given.
 */
export interface BoardLink {
  origin: string;
  boardId: string;
  token: string;
}

export function parseBoardLink(link: string): BoardLink {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new Error(`not a board link: ${link} (expected https://host/b/<board>#<token>)`);
  }
  const match = /\/b\/([^/]+)\/?$/.exec(url.pathname);
  const token = decodeURIComponent(url.hash.replace(/^#/, '')).trim();
  if (!match || !token) throw new Error(`not a board link: ${link} (expected https://host/b/<board>#<token>, with the token after #)`);
  return { origin: url.origin, boardId: decodeURIComponent(match[1]!), token };
}

export interface ServiceUrls {
  storeUrl: string;
  signalingUrl: string;
}

/**
 * The store and signaling URLs of a deployment, from its web app's `/api/config` (what a browser uses), unless
 * given explicitly.
 */
export async function resolveServices(origin: string, overrides: Partial<ServiceUrls> = {}): Promise<ServiceUrls> {
  if (overrides.storeUrl && overrides.signalingUrl) return { storeUrl: overrides.storeUrl, signalingUrl: overrides.signalingUrl };
  let config: Partial<ServiceUrls>;
  try {
    const response = await fetch(`${origin}/api/config`, { signal: AbortSignal.timeout(15_000) });
    if (!response.ok) throw new Error(`answered ${response.status}`);
    config = (await response.json()) as Partial<ServiceUrls>;
  } catch (error) {
    throw new Error(`could not read ${origin}/api/config (${(error as Error).message}); pass --store and --signaling`);
  }
  const storeUrl = overrides.storeUrl ?? config.storeUrl;
  const signalingUrl = overrides.signalingUrl ?? config.signalingUrl;
  if (!storeUrl || !signalingUrl) throw new Error(`${origin}/api/config did not name the store and signaling URLs`);
  return { storeUrl, signalingUrl };
}

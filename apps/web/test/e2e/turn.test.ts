/**
 * TURN with time-limited credentials, end to end: Debian's coturn on loopback (use-auth-secret), the signaling
 * service minting REST API credentials at GET /rtc/ice-servers for holders of a board token, and the web app in
 * two Chromium contexts forced to `iceTransportPolicy: 'relay'` (MESHBOARD_ICE_TRANSPORT_POLICY) — so the only
 * way their WebRTC connection can come up is through coturn. Expired and forged credentials must be refused.
 */
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drag, launch, newPeer, waitForShapeCount } from './browser';
import { restCredential, startCoturn, TURNSERVER, type Coturn } from './coturn';
import { startStack, type Stack } from './harness';

const TTL_SECONDS = 3600;

let coturn: Coturn;
let stack: Stack;
let browser: Browser;
let a: { context: BrowserContext; page: Page };
let b: { context: BrowserContext; page: Page };
let board: { id: string; editToken: string; viewToken: string };

/** Every RTCPeerConnection the page creates, so the test can read which candidate pair carries the data. */
const RECORD_PEER_CONNECTIONS = () => {
  const Original = window.RTCPeerConnection;
  const created: RTCPeerConnection[] = [];
  (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = created;
  window.RTCPeerConnection = class extends Original {
    constructor(config?: RTCConfiguration) {
      super(config);
      created.push(this);
    }
  } as typeof RTCPeerConnection;
};

/** Candidate types of the selected pair of every connected RTCPeerConnection in the page. */
async function selectedCandidateTypes(page: Page): Promise<Array<{ local: string; remote: string; policy: string | undefined }>> {
  return page.evaluate(async () => {
    const out: Array<{ local: string; remote: string; policy: string | undefined }> = [];
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState !== 'connected') continue;
      const stats = await pc.getStats();
      const byId = new Map<string, Record<string, unknown>>();
      stats.forEach((s: Record<string, unknown>) => byId.set(s.id as string, s));
      for (const s of byId.values()) {
        if (s.type !== 'transport' || !s.selectedCandidatePairId) continue;
        const pair = byId.get(s.selectedCandidatePairId as string)!;
        out.push({
          local: byId.get(pair.localCandidateId as string)?.candidateType as string,
          remote: byId.get(pair.remoteCandidateId as string)?.candidateType as string,
          policy: pc.getConfiguration().iceTransportPolicy,
        });
      }
    }
    return out;
  });
}

/** Gathers relay candidates in the page for one TURN server entry: >0 only if coturn accepted the credential. */
async function relayCandidates(page: Page, server: RTCIceServer): Promise<{ relay: number; errors: number[] }> {
  return page.evaluate(async (iceServer) => {
    const pc = new RTCPeerConnection({ iceServers: [iceServer], iceTransportPolicy: 'relay' });
    const errors: number[] = [];
    let relay = 0;
    pc.addEventListener('icecandidateerror', (e) => errors.push((e as RTCPeerConnectionIceErrorEvent).errorCode));
    pc.addEventListener('icecandidate', (e) => {
      if (e.candidate?.type === 'relay') relay++;
    });
    pc.createDataChannel('probe');
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve();
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
      setTimeout(resolve, 10_000);
    });
    pc.close();
    return { relay, errors };
  }, server);
}

async function mint(token?: string): Promise<Response> {
  return fetch(`${stack.signalingUrl}/rtc/ice-servers`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
}

beforeAll(async () => {
  if (!existsSync(TURNSERVER)) throw new Error(`${TURNSERVER} not found: apt-get install -y coturn`);
  coturn = await startCoturn();
  stack = await startStack({
    signalingEnv: { MESHBOARD_TURN_SECRET: coturn.secret, MESHBOARD_TURN_URLS: coturn.url, MESHBOARD_TURN_TTL_SECONDS: String(TTL_SECONDS) },
    webEnv: { MESHBOARD_ICE_TRANSPORT_POLICY: 'relay' },
  });
  browser = await launch();
  a = await newPeer(browser, stack.webUrl);
  b = await newPeer(browser, stack.webUrl);
  for (const peer of [a, b]) await peer.context.addInitScript(RECORD_PEER_CONNECTIONS);
  const created = await fetch(`${stack.storeUrl}/v1/boards`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'TURN board' }) });
  board = (await created.json()) as typeof board;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await coturn?.stop();
});

describe('time-limited TURN credentials', () => {
  it('are minted only for a valid board token, valid for hours, in the REST API scheme coturn checks', async () => {
    expect((await mint()).status).toBe(401);
    const forged = `${board.viewToken.slice(0, -4)}${board.viewToken.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    expect((await mint(forged)).status).toBe(401);

    const response = await mint(board.viewToken);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { iceServers: RTCIceServer[]; expiresAt: string };
    expect(body.iceServers).toHaveLength(1);
    const [server] = body.iceServers;
    expect(server!.urls).toEqual([coturn.url]);
    const [expiry, boardId] = (server!.username as string).split(':');
    expect(boardId).toBe(board.id);
    const left = Number(expiry) - Date.now() / 1000;
    expect(left).toBeGreaterThan(TTL_SECONDS - 60);
    expect(left).toBeLessThanOrEqual(TTL_SECONDS + 1);
    expect(Date.parse(body.expiresAt)).toBe(Number(expiry) * 1000);
    expect(server!.credential).toBe(restCredential(coturn.secret, server!.username as string));
  });

  it('connect two relay-only Chromium peers P2P through coturn, and edits flow over that connection', async () => {
    const url = `${stack.webUrl}/b/${board.id}#${board.editToken}`;
    for (const peer of [a, b]) {
      await peer.page.goto(url);
      await peer.page.waitForSelector('[data-testid="canvas"][data-shape-count]', { timeout: 30_000 });
    }
    // each sees the other as a P2P peer (not served by the Socket.IO relay)
    for (const peer of [a, b]) await peer.page.waitForSelector('li[data-mode="p2p"]', { timeout: 30_000 });

    await a.page.click('[data-testid="tool-pen"]');
    await drag(a.page, [[350, 300], [400, 240], [450, 320], [500, 240]]);
    await waitForShapeCount(a.page, 1);
    await waitForShapeCount(b.page, 1, 20_000);

    for (const peer of [a, b]) {
      const pairs = await selectedCandidateTypes(peer.page);
      expect(pairs.length).toBeGreaterThan(0);
      for (const pair of pairs) expect(pair).toEqual({ local: 'relay', remote: 'relay', policy: 'relay' });
    }
    // coturn saw allocations for this board's minted usernames
    expect(coturn.logs()).toMatch(new RegExp(`\\d+:${board.id}`));
  }, 90_000);

  it('refuses an expired or forged credential and accepts a freshly minted one', async () => {
    const page = a.page;
    const minted = ((await (await mint(board.viewToken)).json()) as { iceServers: RTCIceServer[] }).iceServers[0]!;
    const valid = await relayCandidates(page, minted);
    expect(valid.relay).toBeGreaterThan(0);

    // correctly signed, but its expiry is a minute ago
    const expiredUser = `${Math.floor(Date.now() / 1000) - 60}:${board.id}`;
    const expired = await relayCandidates(page, { urls: coturn.url, username: expiredUser, credential: restCredential(coturn.secret, expiredUser) });
    expect(expired.relay).toBe(0);
    expect(expired.errors).toContain(401);

    // a future expiry signed with another secret (what a visitor would have to forge)
    const forgedUser = `${Math.floor(Date.now() / 1000) + 3600}:${board.id}`;
    const forged = await relayCandidates(page, { urls: coturn.url, username: forgedUser, credential: restCredential('not-the-secret-of-this-server', forgedUser) });
    expect(forged.relay).toBe(0);
    expect(forged.errors).toContain(401);
  }, 60_000);
});

import { readAwarenessState, type AwarenessState } from '@meshboard/protocol';
import type { RemoteCursor, RemoteLive } from '@meshboard/canvas';
import type { PeerStatus } from '@meshboard/sync';

/**
 * What the board shows about the people on it, read from awareness (validated: a hostile state loses its
 * fields, never crashes the page) and the server's presence list:
 *  - one presence entry per person (user id), with the number of tabs they have open;
 *  - name and colour from awareness (a rename shows at once), falling back to presence;
 *  - cursors, drafts and laser trails for the canvas;
 *  - who asks everyone to follow them (a presentation).
 */

export interface PresenceEntry {
  key: string;
  userId: string;
  /** the tab to follow when this entry is clicked (the person's most recent tab) */
  clientId: number | null;
  name: string;
  color: string;
  role: 'edit' | 'view';
  mode?: PeerStatus['mode'];
  self?: boolean;
  /** tabs this person has open on the board */
  count: number;
  following?: boolean;
  presenting?: boolean;
}

export interface PeopleSnapshot {
  states: Map<number, AwarenessState>;
  entries: PresenceEntry[];
  cursors: RemoteCursor[];
  live: RemoteLive[];
  /** the tab asking everyone to follow it, if any (the earliest request wins) */
  presenter: { clientId: number; since: number; frame: number | null } | null;
}

const FALLBACK_COLOR = '#868e96';

export function readPeople(
  rawStates: Map<number, unknown>,
  peers: readonly PeerStatus[],
  self: { clientId: number; id: string; name: string; color: string; role: 'edit' | 'view' },
  following: number | null,
): PeopleSnapshot {
  const states = new Map<number, AwarenessState>();
  for (const [clientId, raw] of rawStates) {
    if (clientId === self.clientId) continue;
    const state = readAwarenessState(raw);
    if (state) states.set(clientId, state);
  }
  const cursors: RemoteCursor[] = [];
  const live: RemoteLive[] = [];
  let presenter: PeopleSnapshot['presenter'] = null;
  const present = new Set(peers.map((p) => p.clientId));
  for (const [clientId, state] of states) {
    // awareness of someone the server says has left is a leftover: do not draw it
    if (!present.has(clientId)) continue;
    const color = state.user?.color ?? FALLBACK_COLOR;
    if (state.cursor && state.user) cursors.push({ clientId, name: state.user.name, color, x: state.cursor.x, y: state.cursor.y, ...(state.selection ? { selection: state.selection } : {}) });
    if (state.draft || state.laser) live.push({ clientId, color, draft: state.draft ?? null, laser: state.laser ?? null });
    if (state.present && (!presenter || state.present.since < presenter.since)) presenter = { clientId, since: state.present.since, frame: state.present.frame };
  }

  const entries: PresenceEntry[] = [{ key: `self-${self.id}`, userId: self.id, clientId: null, name: self.name, color: self.color, role: self.role, self: true, count: 1 }];
  const byUser = new Map<string, PresenceEntry>([[self.id, entries[0]!]]);
  for (const peer of peers) {
    if (peer.clientId === self.clientId) continue;
    const user = states.get(peer.clientId)?.user ?? peer.user;
    const existing = byUser.get(user.id);
    if (existing) {
      existing.count++;
      if (!existing.self) {
        existing.clientId = peer.clientId;
        existing.name = user.name;
        existing.color = user.color;
        if (peer.role === 'edit') existing.role = 'edit';
      }
    } else {
      const entry: PresenceEntry = { key: `user-${user.id}`, userId: user.id, clientId: peer.clientId, name: user.name, color: user.color, role: peer.role, mode: peer.mode, count: 1 };
      byUser.set(user.id, entry);
      entries.push(entry);
    }
  }
  const followedUser = following !== null ? (states.get(following)?.user?.id ?? peers.find((p) => p.clientId === following)?.user.id) : undefined;
  const presenterUser = presenter ? (states.get(presenter.clientId)?.user?.id ?? peers.find((p) => p.clientId === presenter!.clientId)?.user.id) : undefined;
  for (const entry of entries) {
    if (followedUser && entry.userId === followedUser && !entry.self) {
      entry.following = true;
      entry.clientId = following;
    }
    if (presenterUser && entry.userId === presenterUser && !entry.self) entry.presenting = true;
  }
  return { states, entries, cursors, live, presenter };
}

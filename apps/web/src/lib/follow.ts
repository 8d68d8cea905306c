import type { CanvasEngine } from '@meshboard/canvas';
import type { BoardConnection, ConnectionStatus } from '@meshboard/sync';
import { readPeople, type PeopleSnapshot, type PresenceEntry } from './meeting';

/** Whom this tab follows: a person clicked in the presence list, or a presenter who asked everyone. */
export interface Follow {
  clientId: number;
  reason: 'click' | 'present';
  /** the presentation request this follows (a dismissed one is not followed again) */
  since?: number;
}

/** What the follow banner shows. */
export interface FollowView {
  clientId: number;
  name: string;
  color: string;
  presenting: boolean;
}

interface Ref<T> {
  current: T;
}

export interface PeopleRefresherOptions {
  conn: BoardConnection;
  engine: CanvasEngine;
  /** this tab as others see it (its awareness user, which a rename changes) */
  self: () => { clientId: number; id: string; name: string; color: string; role: 'edit' | 'view' };
  /** whom this tab follows; read and written here, and by the page's follow and present buttons */
  follow: Ref<Follow | null>;
  /** the presentation this person stopped following (not followed again) */
  dismissedPresentation: Ref<number | null>;
  /** the latest snapshot, for the page */
  people: Ref<PeopleSnapshot | null>;
  /** presence entries changed (not called for an equal list) */
  onEntries: (entries: PresenceEntry[]) => void;
  /** whom this tab follows changed */
  onFollow: (view: FollowView | null) => void;
}

/**
 * Reads the people on the board (awareness + the server's presence list) into the canvas (cursors, drafts,
 * laser) and the page (presence list, follow banner), and applies following: a presenter asks everyone to
 * follow (unless this person stopped following that presentation), a followed person who leaves or a
 * presentation that ends stops it, and the followed person's view is applied whenever it changes. Runs on every
 * awareness change and status (up to 20 Hz per person), so React state is only set when what it shows changed.
 */
export function peopleRefresher(o: PeopleRefresherOptions): (status: ConnectionStatus) => void {
  let lastEntriesJson = '';
  let lastFollowJson = '';
  let lastAppliedView = '';
  return (status) => {
    const self = o.self();
    let people = readPeople(o.conn.awareness.getStates(), status.peers, self, o.follow.current?.clientId ?? null);
    const presenter = people.presenter;
    const current = o.follow.current;
    if (presenter && o.dismissedPresentation.current !== presenter.since && !(current?.clientId === presenter.clientId)) {
      o.follow.current = { clientId: presenter.clientId, reason: 'present', since: presenter.since };
    } else if (current?.reason === 'present' && (!presenter || presenter.clientId !== current.clientId)) {
      o.follow.current = null; // the presentation ended
    } else if (current && !people.states.has(current.clientId)) {
      o.follow.current = null; // the person left
    }
    if (o.follow.current?.clientId !== current?.clientId) people = readPeople(o.conn.awareness.getStates(), status.peers, self, o.follow.current?.clientId ?? null);
    o.people.current = people;
    o.engine.setRemoteCursors(people.cursors);
    o.engine.setRemoteLive(people.live);
    const entriesJson = JSON.stringify(people.entries);
    if (entriesJson !== lastEntriesJson) {
      lastEntriesJson = entriesJson;
      o.onEntries(people.entries);
    }
    const target = o.follow.current;
    const leader = target ? people.states.get(target.clientId) : undefined;
    const shown = target ? people.entries.find((e) => e.following) : undefined;
    const followView = target ? { clientId: target.clientId, name: shown?.name ?? leader?.user?.name ?? 'Someone', color: shown?.color ?? leader?.user?.color ?? '#868e96', presenting: target.reason === 'present' } : null;
    const followJson = JSON.stringify(followView);
    if (followJson !== lastFollowJson) {
      lastFollowJson = followJson;
      o.onFollow(followView);
      lastAppliedView = '';
    }
    if (target && leader?.view) {
      const viewJson = JSON.stringify(leader.view);
      if (viewJson !== lastAppliedView) {
        lastAppliedView = viewJson;
        o.engine.setView(leader.view);
      }
    }
  };
}

import * as Y from 'yjs';

/**
 * This browser's copy of the board (y-indexeddb), kept for editors so that work done offline survives a closed
 * tab. It used to be opened, and waited for, before the store was even asked for the board; and y-indexeddb
 * writes the whole document when it opens and again for every update it sees, including the store's initial
 * state (9.6 MB for 50,000 shapes, issue 15 item 3). None of that needs to happen before the first frame:
 *
 * - store reachable: the store's state is applied and drawn first; the copy is opened afterwards, when the
 *   page is idle (`openLater`). What it brings that the doc lacks (edits made offline in an earlier session)
 *   is handed to `onRestored` so the caller can upload and relay it (remote-origin changes are not otherwise
 *   sent to peers).
 * - store unreachable: the copy is opened at once and waited for (`open`): it is the only board there is.
 */
export class OfflineCopy {
  private persistence: { destroy(): Promise<void>; whenSynced: Promise<unknown> } | null = null;
  private opening: Promise<void> | null = null;
  private destroyed = false;

  constructor(
    private readonly name: string,
    private readonly doc: Y.Doc,
    /** after the copy is in: what it added to the doc (null: nothing beyond deletes, if any) */
    private readonly onRestored: (missing: Uint8Array | null) => void,
  ) {}

  static available(): boolean {
    return typeof (globalThis as { indexedDB?: unknown }).indexedDB !== 'undefined';
  }

  /** opens the copy (idempotent) and resolves once its content is in the doc; never rejects */
  open(): Promise<void> {
    if (!this.opening) this.opening = this.load();
    return this.opening;
  }

  /** opens the copy once the page is idle (after the first frames) */
  openLater(): void {
    const idle = (globalThis as { requestIdleCallback?: (fn: () => void, o?: { timeout: number }) => unknown }).requestIdleCallback;
    const run = () => void this.open();
    if (idle) idle(run, { timeout: 3000 });
    else setTimeout(run, 500);
  }

  private async load(): Promise<void> {
    if (this.destroyed) return;
    try {
      const { IndexeddbPersistence } = await import('y-indexeddb');
      if (this.destroyed) return;
      const before = Y.encodeStateVector(this.doc);
      const persistence = new IndexeddbPersistence(this.name, this.doc);
      this.persistence = persistence;
      await persistence.whenSynced;
      if (this.destroyed) return;
      // only what the copy added: the doc's state minus what it had before (deletes included as a set)
      this.onRestored(sameStateVector(before, Y.encodeStateVector(this.doc)) ? null : Y.encodeStateAsUpdate(this.doc, before));
    } catch (error) {
      console.warn('meshboard: offline cache unavailable', error);
    }
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    await this.opening;
    await this.persistence?.destroy().catch(() => undefined);
  }
}

function sameStateVector(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

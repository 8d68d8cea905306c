import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { Board } from '@meshboard/board';
import { LiveOverlays, localLiveDraft } from '../src/index.js';

describe('LiveOverlays: other people’s drafts', () => {
  const board = new Board(new Y.Doc(), { userId: 'me' });

  it('draws a well-formed draft shape and nothing for a malformed one', () => {
    const live = new LiveOverlays(board);
    live.setRemote([
      { clientId: 1, color: '#e03131', draft: { shape: { type: 'rectangle', x: 0, y: 0, w: 10, h: 10 } } },
      { clientId: 2, color: '#e03131', draft: { shape: { type: 'freehand', points: 'not points' } } },
      { clientId: 3, color: '#e03131', draft: { shape: { type: 'no-such-type', x: 1 } } },
    ]);
    expect(live.remoteDrafts().map((s) => s.type)).toEqual(['rectangle']);
    expect(live.remoteDrafts()[0]!.id).toBe('live-draft-1');
  });

  it('shows text being typed as a text shape, and forgets people who left', () => {
    const live = new LiveOverlays(board);
    const text = { id: null, type: 'text' as const, x: 5, y: 5, w: 80, h: 24, rotation: 0, fontSize: 20, fontFamily: 'sans' as const, textAlign: 'left' as const, color: '#1e1e1e', text: 'hi' };
    live.setRemote([{ clientId: 7, color: '#000000', draft: { text } }]);
    expect(live.remoteDrafts()).toHaveLength(1);
    expect(live.remoteDrafts()[0]).toMatchObject({ type: 'text', text: 'hi' });
    live.setRemote([]);
    expect(live.remoteDrafts()).toHaveLength(0);
  });

  it('publishes the latest part of a very long stroke only', () => {
    const points = Array.from({ length: 3 * 5000 }, (_, i) => i % 3 === 2 ? 0.5 : i);
    const shape = { id: 'draft', type: 'freehand', points } as never;
    const draft = localLiveDraft([shape], null);
    expect((draft!.shape as unknown as { points: number[] }).points.length).toBe(3 * 1500);
    expect(localLiveDraft([], null)).toBeNull();
  });
});

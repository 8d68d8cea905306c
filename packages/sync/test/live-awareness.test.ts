import { describe, expect, it } from 'vitest';
import { LIVE_HZ } from '@meshboard/protocol';
import { LiveAwareness } from '../src/LiveAwareness.js';

const later = (fn: () => void, ms: number) => setTimeout(fn, ms);

describe('LiveAwareness: live fields leave at a bounded rate', () => {
  it('batches cursor, draft and laser changes into at most LIVE_HZ frames a second, ending on the latest values', async () => {
    const frames: Array<Record<string, unknown>> = [];
    const live = new LiveAwareness((patch) => frames.push(patch), later);
    const started = Date.now();
    let i = 0;
    while (Date.now() - started < 500) {
      live.set('cursor', { x: i, y: 0 });
      live.set('draft', { n: i });
      i++;
      await new Promise((r) => setTimeout(r, 2));
    }
    await new Promise((r) => setTimeout(r, 2000 / LIVE_HZ));
    expect(frames.length).toBeLessThanOrEqual(Math.ceil(0.6 * LIVE_HZ) + 1);
    expect(frames.length).toBeGreaterThan(3);
    const last = Object.assign({}, ...frames);
    expect(last.cursor).toEqual({ x: i - 1, y: 0 });
    expect(last.draft).toEqual({ n: i - 1 });
  });

  it('sends a rename at once, together with whatever was pending', () => {
    const frames: Array<Record<string, unknown>> = [];
    const live = new LiveAwareness((patch) => frames.push(patch), later);
    live.set('cursor', { x: 1, y: 1 }); // first one goes out at once
    live.set('cursor', { x: 2, y: 2 }); // pending
    live.now({ user: { id: 'u', name: 'New', color: '#000000' } });
    expect(frames).toEqual([{ cursor: { x: 1, y: 1 } }, { cursor: { x: 2, y: 2 }, user: { id: 'u', name: 'New', color: '#000000' } }]);
    live.flush();
    expect(frames).toHaveLength(2);
  });
});

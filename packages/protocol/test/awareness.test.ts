import { describe, expect, it } from 'vitest';
import { MAX_LASER_POINTS, readAwarenessState } from '../src/index.js';

const user = { id: 'u1', name: 'Ada', color: '#e03131' };

describe('readAwarenessState: someone else’s awareness state is untrusted', () => {
  it('keeps well-formed fields', () => {
    const state = readAwarenessState({
      user,
      cursor: { x: 1, y: 2 },
      selection: ['a'],
      draft: { shape: { type: 'rectangle', x: 0, y: 0, w: 10, h: 10 } },
      laser: { at: Date.now(), points: [[1, 2, 30]] },
      view: { x: 0, y: 0, w: 100, h: 50 },
      present: { since: Date.now(), frame: 0 },
    });
    expect(state).toMatchObject({ user, cursor: { x: 1, y: 2 }, view: { w: 100 }, present: { frame: 0 } });
    expect(state?.laser?.points).toHaveLength(1);
  });

  it('drops a bad field on its own and keeps the person', () => {
    const state = readAwarenessState({ user, cursor: { x: 'NaN', y: 2 }, view: { x: 0, y: 0, w: -1, h: 1 }, laser: { at: 0, points: Array.from({ length: MAX_LASER_POINTS + 1 }, () => [0, 0, 0]) } });
    expect(state).toEqual({ user });
  });

  it('refuses names and colours the presence schema refuses', () => {
    expect(readAwarenessState({ user: { ...user, name: 'x'.repeat(500) } })).toEqual({});
    expect(readAwarenessState({ user: { ...user, color: 'url(javascript:1)' } })).toEqual({});
  });

  it('reads an oversized, deeply nested or non-object state as nothing, without throwing', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(readAwarenessState({ user, draft: { shape: deep } })).toBeNull();
    expect(readAwarenessState({ user, junk: 'x'.repeat(200_000) })).toBeNull();
    expect(readAwarenessState('hello')).toBeNull();
    expect(readAwarenessState(null)).toBeNull();
    expect(readAwarenessState([user])).toBeNull();
  });
});

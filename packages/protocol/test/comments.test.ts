import { describe, expect, it } from 'vitest';
import { CommentAnchor, CommentAuthor, CommentBody, NewThreadRequest, ReplyRequest, ThreadStateRequest, commentLimits, commentPaths } from '../src/index.js';

describe('comment wire schemas', () => {
  const author = { id: 'abc_123-x', name: 'Ada' };

  it('accept a well-formed thread, reply and state change (bodies trimmed, newlines kept)', () => {
    expect(NewThreadRequest.parse({ anchor: { x: 1.5, y: -2, shapeId: 's1' }, body: '  line one\nline two ', author })).toEqual({
      anchor: { x: 1.5, y: -2, shapeId: 's1' },
      body: 'line one\nline two',
      author,
    });
    expect(ReplyRequest.parse({ body: 'ok', author }).body).toBe('ok');
    expect(ThreadStateRequest.parse({ resolved: false })).toEqual({ resolved: false });
  });

  it('refuse empty, oversized and control-character bodies, bad authors, non-finite or huge coordinates and extra fields', () => {
    expect(CommentBody.safeParse('   ').success).toBe(false);
    expect(CommentBody.safeParse('x'.repeat(commentLimits.maxBodyLength + 1)).success).toBe(false);
    expect(CommentBody.safeParse('bell\u0007').success).toBe(false);
    expect(CommentBody.safeParse('broken \ud800 surrogate').success).toBe(false);
    expect(CommentAuthor.safeParse({ id: 'has space', name: 'A' }).success).toBe(false);
    expect(CommentAuthor.safeParse({ id: 'a', name: 'two\nlines' }).success).toBe(false);
    expect(CommentAuthor.safeParse({ id: 'a', name: 'n'.repeat(commentLimits.maxAuthorNameLength + 1) }).success).toBe(false);
    expect(CommentAnchor.safeParse({ x: Number.NaN, y: 0 }).success).toBe(false);
    expect(CommentAnchor.safeParse({ x: 1e8, y: 0 }).success).toBe(false);
    expect(NewThreadRequest.safeParse({ anchor: { x: 0, y: 0 }, body: 'x', author, extra: true }).success).toBe(false);
    expect(ThreadStateRequest.safeParse({ resolved: 'yes' }).success).toBe(false);
  });

  it('build encoded paths', () => {
    expect(commentPaths.replies('b/1', 't 1')).toBe('/v1/boards/b%2F1/comments/t%201/replies');
    expect(commentPaths.settings('b')).toBe('/v1/boards/b/comment-settings');
  });
});

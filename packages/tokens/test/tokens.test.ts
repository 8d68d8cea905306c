import { describe, expect, it } from 'vitest';
import { newBoardId, peekTokenClaims } from '@meshboard/protocol';
import { checkGeneration, generateSecret, issueBoardTokens, issueToken, verifyToken, assertUsableSecret } from '../src/index.js';

const secret = generateSecret();
const board = newBoardId();

describe('capability tokens', () => {
  it('verify for their board and role', () => {
    const { editToken, viewToken } = issueBoardTokens(secret, board, 0);
    const edit = verifyToken(secret, editToken, board);
    const view = verifyToken(secret, viewToken, board);
    expect(edit.ok && edit.claims).toEqual({ b: board, r: 'edit', g: 0 });
    expect(view.ok && view.claims.r).toBe('view');
    expect(peekTokenClaims(viewToken)).toEqual({ b: board, r: 'view', g: 0 });
  });

  it('refuse another board, another secret, tampering and junk', () => {
    const token = issueToken(secret, { b: board, r: 'view', g: 0 });
    const other = verifyToken(secret, token, newBoardId());
    expect(!other.ok && other.error.code).toBe('forbidden');
    const wrongSecret = verifyToken(generateSecret(), token, board);
    expect(!wrongSecret.ok && wrongSecret.error.code).toBe('unauthorized');
    // Forge an edit token from a view token by swapping the claims part.
    const [prefix, , signature] = token.split('.');
    const forgedClaims = Buffer.from(JSON.stringify({ b: board, r: 'edit', g: 0 })).toString('base64url');
    const forged = verifyToken(secret, `${prefix}.${forgedClaims}.${signature}`, board);
    expect(!forged.ok && forged.error.code).toBe('unauthorized');
    for (const junk of [undefined, '', 'x', 42, {}, 'mb1.a.b', 'mb1.' + 'a'.repeat(400) + '.b']) {
      const result = verifyToken(secret, junk, board);
      expect(result.ok).toBe(false);
    }
  });

  it('are revoked by a generation bump', () => {
    const token = issueToken(secret, { b: board, r: 'edit', g: 1 });
    const check = verifyToken(secret, token, board);
    if (!check.ok) throw check.error;
    expect(checkGeneration(check.claims, 1)).toBeNull();
    expect(checkGeneration(check.claims, 2)?.code).toBe('token_revoked');
  });

  it('insist on a strong secret', () => {
    expect(() => assertUsableSecret('short')).toThrow(/at least 32 bytes/);
    expect(() => assertUsableSecret(generateSecret())).not.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { newBoardId, peekTokenClaims } from '@meshboard/protocol';
import { canEdit, canManage, checkGeneration, generateSecret, grantKey, issueBoardTokens, issueToken, verifyToken, visibleLinks, assertUsableSecret } from '../src/index.js';

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

  it('carry an owner role and per-role generations; old tokens read unchanged', () => {
    const { ownerToken, editToken, viewToken } = issueBoardTokens(secret, board, { owner: 3, edit: 1, view: 7 });
    const claimsOf = (token: string) => {
      const check = verifyToken(secret, token, board);
      if (!check.ok) throw check.error;
      return check.claims;
    };
    expect(claimsOf(ownerToken)).toEqual({ b: board, r: 'owner', g: 3 });
    expect(claimsOf(editToken)).toEqual({ b: board, r: 'edit', g: 1 });
    expect(claimsOf(viewToken)).toEqual({ b: board, r: 'view', g: 7 });
    // a token without expiry is byte-for-byte the pre-owner format
    expect(issueToken(secret, { b: board, r: 'edit', g: 0 })).toBe(issueBoardTokens(secret, board, 0).editToken);
    expect(grantKey(claimsOf(editToken))).not.toBe(grantKey(claimsOf(viewToken)));
    expect([canEdit('owner'), canEdit('edit'), canEdit('view')]).toEqual([true, true, false]);
    expect([canManage('owner'), canManage('edit')]).toEqual([true, false]);
    expect(visibleLinks('edit')).toEqual(['edit', 'view']);
    expect(visibleLinks('view')).toEqual([]);
    // an escalated role cannot be forged onto a signature
    const [prefix, , signature] = editToken.split('.');
    const forged = Buffer.from(JSON.stringify({ b: board, r: 'owner', g: 1 })).toString('base64url');
    const refused = verifyToken(secret, `${prefix}.${forged}.${signature}`, board);
    expect(!refused.ok && refused.error.code).toBe('unauthorized');
  });

  it('expire at their x claim, checked locally', () => {
    const now = Date.now();
    const x = Math.floor(now / 1000) + 60;
    const token = issueToken(secret, { b: board, r: 'view', g: 0, x });
    expect(verifyToken(secret, token, board, now).ok).toBe(true);
    const late = verifyToken(secret, token, board, x * 1000 + 1);
    expect(!late.ok && late.error.code).toBe('token_revoked');
    expect(!late.ok && late.error.message).toMatch(/expired/);
    const expiring = issueBoardTokens(secret, board, 0, { view: x }).viewToken;
    expect(peekTokenClaims(expiring)?.x).toBe(x);
  });

  it('insist on a strong secret', () => {
    expect(() => assertUsableSecret('short')).toThrow(/at least 32 bytes/);
    expect(() => assertUsableSecret(generateSecret())).not.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import {
  BoardId,
  CreateBoardRequest,
  ErrorBody,
  MeshboardError,
  base64ToBytes,
  base64UrlToBytes,
  bytesToBase64,
  bytesToBase64Url,
  httpStatusOf,
  isBoardId,
  newBoardId,
  peekTokenClaims,
} from '../src/index.js';

describe('board ids', () => {
  it('are 128 random bits in 22 base64url characters, and unique', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newBoardId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(isBoardId(id)).toBe(true);
    expect(base64UrlToBytes([...ids][0]!).length).toBe(16);
  });
  it('refuse titles, short ids and path tricks', () => {
    for (const bad of ['My board', 'abc', '../../etc/passwd', '', 42, null, 'A'.repeat(23)]) {
      expect(BoardId.safeParse(bad).success).toBe(false);
    }
  });
});

describe('base64', () => {
  it('round-trips binary of any size', () => {
    const bytes = new Uint8Array(100_001).map((_, i) => (i * 31) & 0xff);
    expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
    expect(base64UrlToBytes(bytesToBase64Url(bytes))).toEqual(bytes);
  });
});

describe('errors', () => {
  it('carry a code, a status and a wire body', () => {
    const error = new MeshboardError('forbidden', 'view-only token');
    expect(error.status).toBe(403);
    expect(ErrorBody.parse(error.toBody())).toEqual({ error: { code: 'forbidden', message: 'view-only token' } });
    expect(httpStatusOf.payload_too_large).toBe(413);
  });
});

describe('http bodies', () => {
  it('validate create requests strictly', () => {
    expect(CreateBoardRequest.safeParse({}).success).toBe(true);
    expect(CreateBoardRequest.safeParse({ title: 'Sprint' }).success).toBe(true);
    expect(CreateBoardRequest.safeParse({ title: '' }).success).toBe(false);
    expect(CreateBoardRequest.safeParse({ title: 'x'.repeat(201) }).success).toBe(false);
    expect(CreateBoardRequest.safeParse({ title: 'ok', admin: true }).success).toBe(false);
  });
});

describe('peekTokenClaims', () => {
  it('reads claims from a well-formed token and refuses junk', () => {
    const claims = { b: newBoardId(), r: 'view', g: 3 };
    const token = `mb1.${bytesToBase64Url(new TextEncoder().encode(JSON.stringify(claims)))}.c2ln`;
    expect(peekTokenClaims(token)).toEqual(claims);
    expect(peekTokenClaims('mb1.e30.c2ln')).toBeNull();
    expect(peekTokenClaims('nope')).toBeNull();
    expect(peekTokenClaims('mb1.!!!.x')).toBeNull();
  });
});

/**
 * One real persistence service (apps/persistence `dist/main.js`, embedded PGlite in a temp dir) for the whole
 * signaling suite: tokens are issued, rotated and checked by the real thing, and board state is read from it.
 * Test files get its URL with `inject('persistenceUrl')`.
 */
import type { TestProject } from 'vitest/node';
import { startPersistence, type PersistenceProcess } from '../../../packages/sync/test/support/persistence.js';
import { SECRET } from './secret.js';

let store: PersistenceProcess | null = null;

export async function setup(project: TestProject) {
  store = await startPersistence(SECRET);
  project.provide('persistenceUrl', store.url);
}

export async function teardown() {
  await store?.close();
  store = null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    persistenceUrl: string;
  }
}

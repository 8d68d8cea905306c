import { afterAll, beforeAll } from 'vitest';
import { startPersistence, storeApi, type PersistenceProcess, type StoreApi } from './persistence.js';
import { startSignaling, type SignalingProcess } from './signaling.js';

export interface Services {
  persistence: PersistenceProcess;
  signaling: SignalingProcess;
  store: StoreApi;
}

/**
 * The real persistence (PGlite) and signaling services for one test file: started in `beforeAll`, stopped in
 * `afterAll`. Read the fields inside tests (they are set once `beforeAll` ran).
 */
export function useServices(secret: string): Services {
  const services = {} as Services;
  beforeAll(async () => {
    services.persistence = await startPersistence(secret);
    services.store = storeApi(services.persistence.url);
    services.signaling = await startSignaling({ secret, persistenceUrl: services.persistence.url });
  }, 180_000);
  afterAll(async () => {
    await services.signaling?.stop();
    await services.persistence?.close();
  }, 60_000);
  return services;
}

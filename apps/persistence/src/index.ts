export { createPersistenceServer, type PersistenceServer, type ServerOverrides } from './server.js';
export { loadConfig, defaultStoreOptions, defaultMigrationsDir, type PersistenceConfig, type StoreOptions } from './config.js';
export { BoardStore, revertUpdate } from './store.js';
export { openDatabase, type Database, type DatabaseTarget } from './db/database.js';
export { applyMigrations } from './db/migrate.js';

import { ConfigError, createLogger, installShutdown } from '@meshboard/service-kit';
import { loadConfig } from './config.js';
import { SERVICE_NAME, createPersistenceServer } from './server.js';

const logger = createLogger(SERVICE_NAME);

try {
  const config = loadConfig();
  const server = await createPersistenceServer(config, { logger });
  installShutdown(logger, [{ name: 'server, writes and database', run: () => server.close() }]);
  await server.listen();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`persistence: ${error.message}`);
  } else {
    logger.fatal({ err: error }, 'persistence failed to start');
  }
  process.exit(1);
}

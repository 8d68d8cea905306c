import { ConfigError, createLogger, installShutdown } from '@meshboard/service-kit';
import { loadConfig } from './config.js';
import { createSignalingServer } from './server.js';

const logger = createLogger('signaling');
let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    logger.fatal(error.message);
    process.exit(2);
  }
  throw error;
}
const server = createSignalingServer(config, { logger });
installShutdown(logger, [{ name: 'signaling server', run: () => server.close() }]);
server.listen().catch((error: unknown) => {
  logger.fatal({ err: error }, 'could not start');
  process.exit(1);
});

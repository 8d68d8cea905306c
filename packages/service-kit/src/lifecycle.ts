import type { Logger } from 'pino';

export type ShutdownStep = { name: string; run: () => Promise<void> | void };

/**
 * Stops the service cleanly on SIGINT / SIGTERM: runs the steps in order (stop accepting, drain, flush,
 * close the database), then exits 0. A step that hangs past `timeoutMs`, or a second signal, exits 1 so an
 * orchestrator is never left waiting. Returns the shutdown function so tests and `main` can call it too.
 */
export function installShutdown(logger: Logger, steps: ShutdownStep[], timeoutMs = 10_000): (reason: string) => Promise<void> {
  let stopping: Promise<void> | null = null;
  const shutdown = (reason: string): Promise<void> => {
    if (stopping) return stopping;
    logger.info({ reason }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stopping = (async () => {
      for (const step of steps) {
        try {
          await step.run();
        } catch (error) {
          logger.error({ err: error, step: step.name }, 'shutdown step failed');
        }
      }
      clearTimeout(timer);
      logger.info('stopped');
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal; exiting now');
      process.exit(1);
    }
    void shutdown(signal).then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return shutdown;
}

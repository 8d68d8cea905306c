import type { Logger } from '@meshboard/service-kit';
import type { SignalingMetrics } from './metrics.js';

/**
 * Every message handler runs inside a guard: a handler that throws (synchronously or in a promise) drops that
 * one message, is counted in `meshboard_signaling_handler_errors_total`, and is logged once per connection and
 * event, so a client repeating the same poison cannot flood the log either. Nothing a client sends reaches an
 * uncaught exception, which would take every board on the node down (defect 1 of issue 11).
 */
export function createGuard(logger: Logger, metrics: SignalingMetrics, connection: string) {
  const logged = new Set<string>();
  const report = (event: string, error: unknown) => {
    metrics.handlerErrors.inc({ event });
    if (logged.has(event)) return;
    logged.add(event);
    const err = error as Error;
    logger.error({ connection, event, err: { name: err?.name, message: String(err?.message ?? error).slice(0, 300) } }, 'a message handler threw; message dropped');
  };
  /** The guarded handler; for an async handler it returns a promise that settles (never rejects) when it is done. */
  return function guard<A extends unknown[]>(event: string, handler: (...args: A) => unknown): (...args: A) => Promise<void> | undefined {
    return (...args: A) => {
      try {
        const result = handler(...args);
        if (result && typeof (result as Promise<unknown>).then === 'function') {
          return (result as Promise<unknown>).then(
            () => undefined,
            (error: unknown) => report(event, error),
          );
        }
      } catch (error) {
        report(event, error);
      }
      return undefined;
    };
  };
}
export type Guard = ReturnType<typeof createGuard>;

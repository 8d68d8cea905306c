import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * One structured JSON logger per service. Tokens must never reach logs: authorization headers and any
 * `token` field are redacted, and request URLs are logged without their query string.
 */
export function createLogger(service: string, options: LoggerOptions = {}): Logger {
  return pino({
    name: service,
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
    redact: {
      paths: ['token', '*.token', 'req.headers.authorization', 'headers.authorization', '*.editToken', '*.viewToken'],
      censor: '[redacted]',
    },
    ...options,
  });
}

/** `/v1/boards/x?token=secret` -> `/v1/boards/x`: the only form of a URL a service may log. */
export function pathOnly(url: string | undefined): string {
  if (!url) return '';
  const queryStart = url.indexOf('?');
  return queryStart === -1 ? url : url.slice(0, queryStart);
}

import type { Health } from '@meshboard/protocol';

const startedAt = Date.now();

/** The `/healthz` body: `ok` when every check passes, else `degraded` (served with 503). */
export function healthBody(service: string, version: string, checks?: Record<string, boolean>): { status: number; body: Health } {
  const failing = checks ? Object.values(checks).some((passing) => !passing) : false;
  const body: Health = {
    status: failing ? 'degraded' : 'ok',
    service,
    version,
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
  };
  if (checks) {
    body.checks = Object.fromEntries(Object.entries(checks).map(([name, passing]) => [name, passing ? 'ok' : 'failing']));
  }
  return { status: failing ? 503 : 200, body };
}

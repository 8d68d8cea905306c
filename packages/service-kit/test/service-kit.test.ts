import { describe, expect, it } from 'vitest';
import { ConfigError, createMetricsRegistry, envInt, envList, envPort, healthBody, pathOnly } from '../src/index.js';

describe('config', () => {
  it('uses defaults, parses values, and names the variable on bad input', () => {
    expect(envPort({}, 'PORT', 4000)).toBe(4000);
    expect(envPort({ PORT: '4001' }, 'PORT', 4000)).toBe(4001);
    expect(() => envPort({ PORT: 'eighty' }, 'PORT', 4000)).toThrow(ConfigError);
    expect(() => envPort({ PORT: '70000' }, 'PORT', 4000)).toThrow(/PORT must be an integer between 0 and 65535/);
    expect(() => envInt({ N: '1.5' }, 'N', 1)).toThrow(/N must be an integer/);
    expect(envList({ ORIGINS: ' http://a , http://b ,' }, 'ORIGINS')).toEqual(['http://a', 'http://b']);
  });
});

describe('logging helpers', () => {
  it('strip query strings (tokens) from URLs', () => {
    expect(pathOnly('/v1/boards/x/updates?token=secret')).toBe('/v1/boards/x/updates');
    expect(pathOnly('/healthz')).toBe('/healthz');
  });
});

describe('health and metrics', () => {
  it('report degraded with 503 when a check fails', () => {
    expect(healthBody('svc', '1', { database: true }).status).toBe(200);
    const failing = healthBody('svc', '1', { database: false });
    expect(failing.status).toBe(503);
    expect(failing.body.checks).toEqual({ database: 'failing' });
  });
  it('expose process metrics with a service label', async () => {
    const text = await createMetricsRegistry('svc').metrics();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('service="svc"');
  });
});

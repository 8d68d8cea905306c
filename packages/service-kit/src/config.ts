/**
 * Environment parsing shared by the services: every setting has a default that works on a laptop, and a
 * bad value stops the process at start with a message naming the variable (never a silent fallback).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

export function envString(env: Env, name: string, fallback: string): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}

export function envOptional(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

export function envInt(env: Env, name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

export function envPort(env: Env, name: string, fallback: number): number {
  return envInt(env, name, fallback, { min: 0, max: 65535 });
}

export function envList(env: Env, name: string, fallback: string[] = []): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  return raw.split(',').map((item) => item.trim()).filter(Boolean);
}

/**
 * Browser origins the services accept when `MESHBOARD_ALLOWED_ORIGINS` is unset: the web app on this machine's
 * default port, and nothing else (a deployment on another origin sets the variable).
 */
export const DEFAULT_ALLOWED_ORIGINS: readonly string[] = ['http://localhost:3000', 'http://127.0.0.1:3000'];

/** `MESHBOARD_ALLOWED_ORIGINS` as a list, defaulting to the local web app. */
export function allowedOriginsFrom(env: Env): string[] {
  return envList(env, 'MESHBOARD_ALLOWED_ORIGINS', [...DEFAULT_ALLOWED_ORIGINS]);
}

import { readJson, writeJson } from './storage';

/** Who this browser is on every board: a random id, a display name and a colour, kept in localStorage. */
export interface LocalUser {
  id: string;
  name: string;
  color: string;
}

const KEY = 'meshboard:user';
export const USER_COLORS = ['#e03131', '#2f9e44', '#1971c2', '#f08c00', '#9c36b5', '#0c8599', '#e8590c', '#c2255c'] as const;
const ADJECTIVES = ['Swift', 'Quiet', 'Bright', 'Clever', 'Brave', 'Calm', 'Lucky', 'Sunny'];
const ANIMALS = ['Otter', 'Falcon', 'Panda', 'Fox', 'Heron', 'Lynx', 'Koala', 'Orca'];

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

function randomId(): string {
  const bytes = new Uint8Array(9);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function isUser(value: unknown): value is LocalUser {
  const v = value as LocalUser | null;
  return !!v && typeof v.id === 'string' && typeof v.name === 'string' && /^#[0-9a-fA-F]{3,8}$/.test(v.color ?? '');
}

export function loadUser(): LocalUser {
  const stored = readJson<unknown>(KEY);
  if (isUser(stored) && stored.name.trim()) return stored;
  const user = { id: randomId(), name: `${pick(ADJECTIVES)} ${pick(ANIMALS)}`, color: pick(USER_COLORS) };
  writeJson(KEY, user);
  return user;
}

export function saveUser(user: LocalUser): LocalUser {
  const clean = { ...user, name: user.name.trim().slice(0, 64) || 'Anonymous' };
  writeJson(KEY, clean);
  return clean;
}

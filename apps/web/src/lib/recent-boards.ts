import { readJson, writeJson } from './storage';

/** This browser's list of boards: what the home page lists and where the share dialog finds both links. */
export interface RecentBoard {
  id: string;
  title: string;
  /** the manage link (issue 13): kept by the browser that created the board */
  ownerToken?: string;
  editToken?: string;
  viewToken?: string;
  /** links the store refused as revoked or expired, so the home page can say so */
  revoked?: Array<'owner' | 'edit' | 'view'>;
  lastOpened: number;
}

const KEY = 'meshboard:recent-boards';
const MAX = 50;

export function listRecentBoards(): RecentBoard[] {
  const stored = readJson<unknown>(KEY);
  if (!Array.isArray(stored)) return [];
  return stored
    .filter((b): b is RecentBoard => !!b && typeof b.id === 'string' && typeof b.lastOpened === 'number')
    .sort((a, b) => b.lastOpened - a.lastOpened);
}

export function getRecentBoard(id: string): RecentBoard | undefined {
  return listRecentBoards().find((b) => b.id === id);
}

/** Merges what we learned about a board into its entry (creating it), and marks it opened now. */
export function rememberBoard(entry: Partial<RecentBoard> & { id: string }): RecentBoard {
  const boards = listRecentBoards();
  const current = boards.find((b) => b.id === entry.id);
  const defined = Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined));
  const next: RecentBoard = { title: '', ...current, ...defined, id: entry.id, lastOpened: entry.lastOpened ?? Date.now() };
  writeJson(KEY, [next, ...boards.filter((b) => b.id !== entry.id)].slice(0, MAX));
  return next;
}

export function forgetBoard(id: string): void {
  writeJson(KEY, listRecentBoards().filter((b) => b.id !== id));
}

import { readJson, writeJson } from './storage';

export type Theme = 'light' | 'dark';
export const THEME_KEY = 'meshboard:theme';

/** Runs before hydration (inline in <head>) so a dark page never flashes white. */
export const themeBootScript = `try{var t=JSON.parse(localStorage.getItem(${JSON.stringify(THEME_KEY)}));if(t!=='light'&&t!=='dark')t=matchMedia('(prefers-color-scheme: dark)').matches?'dark':'light';document.documentElement.dataset.theme=t}catch(e){}`;

export function loadTheme(): Theme {
  const stored = readJson<unknown>(THEME_KEY);
  if (stored === 'light' || stored === 'dark') return stored;
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme): void {
  writeJson(THEME_KEY, theme);
  document.documentElement.dataset.theme = theme;
}

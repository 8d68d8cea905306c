'use client';

import { useEffect, useState } from 'react';
import { applyTheme, loadTheme, type Theme } from '../lib/theme';

export function ThemeToggle({ onChange }: { onChange?: (theme: Theme) => void }) {
  const [theme, setTheme] = useState<Theme | null>(null);
  useEffect(() => setTheme(loadTheme()), []);
  function toggle() {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    applyTheme(next);
    setTheme(next);
    onChange?.(next);
  }
  return (
    <button
      type="button"
      className="btn icon"
      data-testid="theme-toggle"
      onClick={toggle}
      aria-label={theme === 'dark' ? 'Switch to light mode' : 'Switch to dark mode'}
      title={theme === 'dark' ? 'Light mode' : 'Dark mode'}
    >
      {theme === 'dark' ? '☀' : '☾'}
    </button>
  );
}

/**
 * tldraw's named styles as concrete values: the light theme's colours, and the sizes behind `s | m | l | xl`
 * (stroke widths and font sizes as tldraw draws them at scale 1).
 */
export const TLDRAW_COLORS: Record<string, { solid: string; semi: string; note: string }> = {
  black: { solid: '#1d1d1d', semi: '#e8e8e8', note: '#fcfcfc' },
  grey: { solid: '#9fa8b2', semi: '#eceef0', note: '#e9ecef' },
  'light-violet': { solid: '#e085f4', semi: '#f5eafa', note: '#f3d9fa' },
  violet: { solid: '#ae3ec9', semi: '#ecdcf2', note: '#e5dbff' },
  blue: { solid: '#4465e9', semi: '#dce1f8', note: '#d0ebff' },
  'light-blue': { solid: '#4ba1f1', semi: '#ddedfa', note: '#d3f9ff' },
  yellow: { solid: '#f1ac4b', semi: '#f9f0e6', note: '#ffec99' },
  orange: { solid: '#e16919', semi: '#f8e2d4', note: '#ffd8a8' },
  green: { solid: '#099268', semi: '#d3e9e3', note: '#c3fae8' },
  'light-green': { solid: '#4cb05e', semi: '#dbf0e0', note: '#d3f9d8' },
  'light-red': { solid: '#f87777', semi: '#f4dadb', note: '#ffe3e3' },
  red: { solid: '#e03131', semi: '#f4dadb', note: '#ffc9c9' },
  white: { solid: '#ffffff', semi: '#f5f5f5', note: '#ffffff' },
};
export const TLDRAW_SEMI_FILL = '#f8f9fa';
export const STROKE_WIDTHS: Record<string, number> = { s: 2, m: 3.5, l: 5, xl: 10 };
export const FONT_SIZES: Record<string, number> = { s: 18, m: 24, l: 36, xl: 44 };
export const LABEL_FONT_SIZES: Record<string, number> = { s: 18, m: 22, l: 26, xl: 32 };

export function colorOf(name: unknown): { solid: string; semi: string; note: string } {
  return (typeof name === 'string' && Object.hasOwn(TLDRAW_COLORS, name) ? TLDRAW_COLORS[name] : undefined) ?? TLDRAW_COLORS.black!;
}

import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { themeBootScript } from '../src/lib/theme';
// The board's font families (packages/canvas style/stroke.ts FONT_STACKS), bundled (OFL), never fetched from a CDN.
import '@fontsource/caveat/400.css';
import '@fontsource/ibm-plex-serif/400.css';
import '@fontsource/ibm-plex-mono/400.css';
import './globals.css';

export const metadata: Metadata = {
  title: 'Meshboard',
  description: 'A self-hostable collaborative whiteboard: peer-to-peer, with a relay and a durable store.',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  // the canvas handles pinch-zoom itself
  maximumScale: 1,
  userScalable: false,
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeBootScript }} />
      </head>
      <body>{children}</body>
    </html>
  );
}

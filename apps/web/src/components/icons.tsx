import type { ReactElement } from 'react';

/** 20px line icons, drawn with currentColor. */
const paths: Record<string, ReactElement> = {
  select: <path d="M5 3l11 6.5-5 1.5 3 6-2 1-3-6-4 3.5z" />,
  hand: <path d="M7 10V5a1.3 1.3 0 0 1 2.6 0v4m0-5a1.3 1.3 0 0 1 2.6 0v5m0-4a1.3 1.3 0 0 1 2.6 0v6c0 4-2 6-5 6s-4-1-6-4l-2-3a1.3 1.3 0 0 1 2.2-1.4L7 12" />,
  pen: <path d="M4 16l1-4L13.5 3.5a1.5 1.5 0 0 1 2 0l1 1a1.5 1.5 0 0 1 0 2L8 15zM12 5l3 3" />,
  highlighter: <path d="M6 14l-2 3h5l1-1M6 14l2-5 7-6 3 3-6 7-5 2zM8 9l4 4" />,
  eraser: <path d="M8 17h9M3.5 12.5l7-7a1.5 1.5 0 0 1 2 0l3 3a1.5 1.5 0 0 1 0 2L10 17H7.5l-4-4a1 1 0 0 1 0-.5zM7 9l5 5" />,
  rectangle: <rect x="3.5" y="5" width="13" height="10" rx="1" />,
  ellipse: <ellipse cx="10" cy="10" rx="7" ry="5.5" />,
  diamond: <path d="M10 3l7 7-7 7-7-7z" />,
  line: <path d="M4 16L16 4" />,
  arrow: <path d="M4 16L16 4M9 4h7v7" />,
  text: <path d="M5 5h10M10 5v11M8 16h4" />,
  sticky: <path d="M4 4h12v8l-4 4H4zM12 16v-4h4" />,
  frame: <path d="M6 3v14M14 3v14M3 6h14M3 14h14" />,
  image: (
    <>
      <rect x="3" y="4" width="14" height="12" rx="1.5" />
      <path d="M3 13l4-4 4 4 2-2 4 4" />
      <circle cx="13" cy="8" r="1.2" />
    </>
  ),
  undo: <path d="M7 5L3 9l4 4M3 9h9a5 5 0 0 1 0 10h-2" />,
  redo: <path d="M13 5l4 4-4 4M17 9H8a5 5 0 0 0 0 10h2" />,
  zoomIn: <path d="M5 10h10M10 5v10" />,
  zoomOut: <path d="M5 10h10" />,
  fit: <path d="M3 7V3h4M13 3h4v4M17 13v4h-4M7 17H3v-4" />,
  share: <path d="M8 11l4-2.5M8 9l4 2.5M6 12.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM14.5 8a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM14.5 17a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z" />,
  help: (
    <>
      <circle cx="10" cy="10" r="7.5" />
      <path d="M7.8 8a2.3 2.3 0 1 1 3.2 2.1c-.7.3-1 .8-1 1.5v.4M10 14.6v.1" />
    </>
  ),
  trash: <path d="M4 6h12M8 6V4h4v2M6 6l1 11h6l1-11" />,
  duplicate: (
    <>
      <rect x="7" y="7" width="9" height="9" rx="1" />
      <path d="M13 4H5a1 1 0 0 0-1 1v8" />
    </>
  ),
  front: <path d="M10 15V4M6 8l4-4 4 4M5 17h10" />,
  back: <path d="M10 4v11M6 11l4 4 4-4M5 3h10" />,
  home: <path d="M3 10l7-6 7 6M5 9v7h10V9" />,
  style: (
    <>
      <circle cx="10" cy="10" r="7" />
      <path d="M10 3a7 7 0 0 0 0 14z" fill="currentColor" />
    </>
  ),
};

export type IconName = keyof typeof paths;

export function Icon({ name }: { name: string }) {
  return (
    <svg width="20" height="20" viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      {paths[name] ?? null}
    </svg>
  );
}

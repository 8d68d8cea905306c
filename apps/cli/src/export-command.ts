import { writeFile } from 'node:fs/promises';
import { exportExcalidraw, exportPdf, exportPng, exportSvg, serializeBoardFile, snapshotOf, type Theme } from '@meshboard/interop';
import { resvgRasterizer } from './resvg-rasterizer.js';
import { parseBoardLink, resolveServices } from './board-link.js';
import { loadBoard } from './load-board.js';
import { fetchBlobs } from './blob-files.js';

export const EXPORT_FORMATS = ['png', 'svg', 'pdf', 'json', 'excalidraw'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportArgs {
  link: string;
  format: ExportFormat;
  output: string;
  theme: Theme;
  scale: number;
  padding: number;
  background: boolean;
  store?: string;
  signaling?: string;
}

/** `meshboard export <board-link> --format ... -o FILE`: the same exporter as the browser's export menu. */
export async function runExport(args: ExportArgs, log: (line: string) => void): Promise<void> {
  const link = parseBoardLink(args.link);
  const { storeUrl } = await resolveServices(link.origin, { storeUrl: args.store, signalingUrl: args.signaling ?? 'unused' });
  const board = await loadBoard(storeUrl, link.boardId, link.token);
  const missingImages = await fetchBlobs(storeUrl, link.boardId, link.token, board);
  for (const hash of missingImages) log(`note: image ${hash.slice(0, 12)} is not in the store; drawn as a placeholder`);
  const snapshot = snapshotOf(board);
  const options = { theme: args.theme, scale: args.scale, padding: args.padding, background: args.background };
  let bytes: Uint8Array | string;
  switch (args.format) {
    case 'svg':
      bytes = exportSvg(snapshot, options).svg;
      break;
    case 'png':
      bytes = await exportPng(snapshot, resvgRasterizer, options);
      break;
    case 'pdf': {
      const pdf = await exportPdf(snapshot, options);
      for (const notice of pdf.notices) log(`note: ${notice}`);
      bytes = pdf.bytes;
      break;
    }
    case 'json':
      bytes = serializeBoardFile(snapshot, { source: 'meshboard-cli' });
      break;
    case 'excalidraw':
      bytes = exportExcalidraw(snapshot);
      break;
  }
  await writeFile(args.output, bytes);
  log(`wrote ${args.output} (${args.format}, ${snapshot.shapes.length} shapes)`);
}

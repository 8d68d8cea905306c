'use client';

import { useEffect, useMemo, useState } from 'react';
import type { Board } from '@meshboard/board';
import { exportExcalidraw, exportPdf, exportPng, exportSvg, serializeBoardFile, snapshotOf, type ExportOptions, type Theme } from '@meshboard/interop';
import { canvasMeasure, canvasRasterizer, copyPng, copySvg, download, fileBase } from '../lib/export-files';
import { Modal } from './dialogs';
import styles from './features.module.css';

type Area = { kind: 'board' } | { kind: 'selection' } | { kind: 'frame'; id: string };

/**
 * Export with a preview: the whole board, the selection or one frame; background, light/dark, scale and
 * padding; PNG, SVG, PDF, JSON or .excalidraw as a download, PNG or SVG to the clipboard. Every format comes
 * from @meshboard/interop, the exporter the CLI uses too.
 */
export function ExportDialog({ board, title, selection, theme: initialTheme, onClose }: { board: Board; title: string; selection: readonly string[]; theme: Theme; onClose: () => void }) {
  const frames = useMemo(() => board.listShapes().filter((shape) => shape.type === 'frame'), [board]);
  const [area, setArea] = useState<Area>(selection.length > 0 ? { kind: 'selection' } : { kind: 'board' });
  const [background, setBackground] = useState(true);
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const [scale, setScale] = useState(2);
  const [padding, setPadding] = useState(32);
  const [status, setStatus] = useState<string | null>(null);
  const measure = useMemo(() => canvasMeasure(), []);

  const snapshot = useMemo(() => {
    let picked = snapshotOf(board);
    if (area.kind === 'selection') picked = snapshotOf(board, selection);
    if (area.kind === 'frame') picked = snapshotOf(board, board.listShapes().filter((shape) => shape.id === area.id || shape.frameId === area.id).map((shape) => shape.id));
    // the title the page shows (the store's name until someone renames the board in the document)
    return { ...picked, title: picked.title || title };
  }, [board, area, selection, title]);
  const options: ExportOptions = useMemo(() => {
    const frame = area.kind === 'frame' ? board.getShape(area.id) : undefined;
    return {
      background,
      theme,
      scale,
      padding,
      measure,
      ...(frame ? { area: { minX: frame.x, minY: frame.y, maxX: frame.x + frame.w, maxY: frame.y + frame.h } } : {}),
    };
  }, [area, board, background, theme, scale, padding, measure]);

  const preview = useMemo(() => exportSvg(snapshot, { ...options, embed: false, scale: 1 }), [snapshot, options]);
  const [previewUrl, setPreviewUrl] = useState<string | null>(null);
  useEffect(() => {
    const url = URL.createObjectURL(new Blob([preview.svg], { type: 'image/svg+xml' }));
    setPreviewUrl(url);
    return () => URL.revokeObjectURL(url);
  }, [preview]);

  const name = fileBase(snapshot.title);
  const empty = snapshot.shapes.length === 0;
  async function run(label: string, action: () => Promise<void> | void) {
    setStatus(`${label}…`);
    try {
      await action();
      setStatus(`${label}: done`);
    } catch (error) {
      setStatus(`${label} failed: ${(error as Error).message}`);
    }
  }

  return (
    <Modal title="Export" onClose={onClose} testid="export-dialog">
      <div className={styles.exportPreview} data-testid="export-preview" data-width={preview.width} data-height={preview.height}>
        {previewUrl && !empty ? <img src={previewUrl} alt="Preview of the export" /> : <span className="muted">Nothing to export</span>}
      </div>
      <div className={styles.exportOptions}>
        <label className="field">
          <span>Area</span>
          <select
            className="input"
            data-testid="export-area"
            value={area.kind === 'frame' ? `frame:${area.id}` : area.kind}
            onChange={(e) => {
              const value = e.target.value;
              setArea(value.startsWith('frame:') ? { kind: 'frame', id: value.slice(6) } : { kind: value as 'board' | 'selection' });
            }}
          >
            <option value="board">Whole board</option>
            <option value="selection" disabled={selection.length === 0}>
              Selection ({selection.length})
            </option>
            {frames.map((frame) => (
              <option key={frame.id} value={`frame:${frame.id}`}>
                Frame: {frame.type === 'frame' && frame.name ? frame.name : 'Untitled'}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Theme</span>
          <select className="input" data-testid="export-theme" value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
        <label className="field">
          <span>Scale</span>
          <select className="input" data-testid="export-scale" value={scale} onChange={(e) => setScale(Number(e.target.value))}>
            <option value={1}>1x</option>
            <option value={2}>2x</option>
            <option value={3}>3x</option>
          </select>
        </label>
        <label className="field">
          <span>Padding</span>
          <input className="input" type="number" min={0} max={500} data-testid="export-padding" value={padding} onChange={(e) => setPadding(Math.max(0, Math.min(500, Number(e.target.value) || 0)))} />
        </label>
        <label className="row">
          <input type="checkbox" data-testid="export-background" checked={background} onChange={(e) => setBackground(e.target.checked)} />
          <span>Background</span>
        </label>
      </div>
      <div className="row wrap">
        <button type="button" className="btn primary" data-testid="export-png" disabled={empty} onClick={() => void run('PNG', async () => download(await exportPng(snapshot, canvasRasterizer, options), `${name}.png`, 'image/png'))}>
          PNG
        </button>
        <button type="button" className="btn" data-testid="export-svg" disabled={empty} onClick={() => void run('SVG', () => download(exportSvg(snapshot, options).svg, `${name}.svg`, 'image/svg+xml'))}>
          SVG
        </button>
        <button
          type="button"
          className="btn"
          data-testid="export-pdf"
          disabled={empty}
          onClick={() =>
            void run('PDF', async () => {
              // a frame or the whole board: the PDF has one page per frame it holds
              const pdf = await exportPdf(snapshot, { theme, background, padding });
              download(pdf.bytes, `${name}.pdf`, 'application/pdf');
            })
          }
        >
          PDF
        </button>
        <button type="button" className="btn" data-testid="export-json" disabled={empty} onClick={() => void run('JSON', () => download(serializeBoardFile(snapshot, { source: 'meshboard-web' }), `${name}.meshboard.json`, 'application/json'))}>
          JSON
        </button>
        <button type="button" className="btn" data-testid="export-excalidraw" disabled={empty} onClick={() => void run('.excalidraw', () => download(exportExcalidraw(snapshot), `${name}.excalidraw`, 'application/json'))}>
          .excalidraw
        </button>
      </div>
      <div className="row wrap">
        <button type="button" className="btn" data-testid="copy-png" disabled={empty} onClick={() => void run('Copy PNG', () => copyPng(exportPng(snapshot, canvasRasterizer, options)))}>
          Copy PNG
        </button>
        <button type="button" className="btn" data-testid="copy-svg" disabled={empty} onClick={() => void run('Copy SVG', () => copySvg(exportSvg(snapshot, options).svg))}>
          Copy SVG
        </button>
      </div>
      {status ? (
        <p className="muted small" role="status" data-testid="export-status">
          {status}
        </p>
      ) : null}
    </Modal>
  );
}

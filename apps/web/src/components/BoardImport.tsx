'use client';

import { useCallback, useEffect, useRef } from 'react';
import type { Board } from '@meshboard/board';
import type { CanvasEngine } from '@meshboard/canvas';
import { looksLikeBoardJson } from '@meshboard/interop/sniff';
import { Icon } from './icons';

/**
 * The importers (Excalidraw, tldraw, PNG/SVG scene readers: most of the page's JavaScript) load when a file or
 * board JSON arrives, not with the board: they were ~0.1 s of script evaluation on every open (issue 15 item 3).
 */
const importers = () => Promise.all([import('@meshboard/interop'), import('../lib/import-files')]).then(([interop, files]) => ({ ...interop, ...files }));

/** The centre of what the person sees, in board coordinates: where imports land. */
function viewCentre(engine: CanvasEngine): { x: number; y: number } {
  const view = engine.editor.camera.visibleBounds(engine.editor.viewport);
  return { x: (view.minX + view.maxX) / 2, y: (view.minY + view.maxY) / 2 };
}

/**
 * Import on the board page: files dropped anywhere on the page or chosen with the Import button (board files,
 * exported PNG/SVG, .excalidraw, .excalidrawlib, .tldr, plain images), and Excalidraw (or Meshboard) JSON
 * pasted from the clipboard. Shapes land at the view centre as one undo step; a bad file changes nothing and
 * says why. Listeners run in the capture phase so they see files and board JSON before the canvas's own
 * image drop and paste handling.
 */
export function BoardImport({ board, engine, readOnly, onNotice }: { board: Board; engine: CanvasEngine; readOnly: boolean; onNotice: (message: string) => void }) {
  const inputRef = useRef<HTMLInputElement>(null);

  const importFiles = useCallback(
    async (files: File[]) => {
      if (files.length === 0) return;
      const loaded = await importers().catch((error: unknown) => error as Error);
      if (loaded instanceof Error) return onNotice(`Nothing was imported: the importer did not load (${loaded.message}).`);
      const outcome = await loaded.importFilesIntoBoard(board, files, viewCentre(engine));
      if (outcome.ids.length > 0) engine.editor.setSelection(outcome.ids);
      onNotice(outcome.message);
    },
    [board, engine, onNotice],
  );

  useEffect(() => {
    if (readOnly) return;
    const hasFiles = (event: DragEvent) => [...(event.dataTransfer?.types ?? [])].includes('Files');
    const onDragOver = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const onDrop = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      event.stopPropagation();
      void importFiles([...(event.dataTransfer?.files ?? [])]);
    };
    const onPaste = (event: ClipboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA)$/.test(target.tagName))) return;
      const text = event.clipboardData?.getData('text/plain') ?? '';
      if (!looksLikeBoardJson(text)) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      void (async () => {
        try {
          const { applyImport, describeImport, importJsonText } = await importers();
          const imported = await importJsonText(text, 'the pasted content');
          const ids = await applyImport(board, imported, { at: viewCentre(engine) });
          engine.editor.setSelection(ids);
          onNotice(describeImport(imported, ids.length, 'clipboard'));
        } catch (error) {
          // an InteropError's message says what is wrong with the content; a failed chunk load says so too
          onNotice(`The pasted content was not imported: ${(error as Error).message}.`);
        }
      })();
    };
    window.addEventListener('dragover', onDragOver, true);
    window.addEventListener('drop', onDrop, true);
    window.addEventListener('paste', onPaste, true);
    return () => {
      window.removeEventListener('dragover', onDragOver, true);
      window.removeEventListener('drop', onDrop, true);
      window.removeEventListener('paste', onPaste, true);
    };
  }, [board, engine, readOnly, importFiles, onNotice]);

  if (readOnly) return null;
  return (
    <>
      <button type="button" className="btn" data-testid="import-button" title="Import a file (.excalidraw, .tldr, Meshboard JSON, PNG/SVG exports, images)" onClick={() => inputRef.current?.click()}>
        <Icon name="share" />
        <span className="hide-narrow">Import</span>
      </button>
      <input
        ref={inputRef}
        type="file"
        hidden
        multiple
        data-testid="import-input"
        accept=".json,.excalidraw,.excalidrawlib,.tldr,.svg,.png,.jpg,.jpeg,.gif,.webp,application/json,image/*"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          void importFiles(files);
        }}
      />
    </>
  );
}

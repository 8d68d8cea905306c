/**
 * The cheap check a paste handler runs synchronously, before it may call preventDefault: its own module, with
 * no imports, so the board page can load it without the importers and exporters (which the page loads only
 * when a file or board JSON actually arrives; `@meshboard/interop/sniff`).
 */

/** True when clipboard text looks like something `importJsonText` reads (cheap check before parsing). */
export function looksLikeBoardJson(text: string): boolean {
  const head = text.trimStart().slice(0, 400);
  return head.startsWith('{') && /"type"\s*:\s*"(excalidraw|excalidraw\/clipboard|excalidrawlib|meshboard)"|"tldrawFileFormatVersion"/.test(head);
}

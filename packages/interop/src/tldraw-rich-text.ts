import { isRecord } from './safe-json.js';

/** Block nodes of tldraw's rich text (TipTap's document JSON) that start a new line. */
const BLOCKS = new Set(['paragraph', 'heading', 'codeBlock', 'blockquote', 'listItem', 'taskItem']);

export interface PlainText {
  text: string;
  /** marks (bold, italic, links...) or block styles were present and were flattened */
  formatted: boolean;
}

/**
 * Plain text of a tldraw `richText` value. tldraw documents it as TipTap's JSON document
 * (`{ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text, marks }] }] }`); this walks
 * that tree only (blocks become lines, `hardBreak` a newline, list items a bullet) and never parses markup.
 */
export function richTextToPlain(doc: unknown, maxLength: number): PlainText {
  const lines: string[] = [];
  let current = '';
  let formatted = false;
  let length = 0;
  const visit = (node: unknown, depth: number, listKind: string | null, index: number): void => {
    if (!isRecord(node) || depth > 64 || length > maxLength) return;
    const type = node.type;
    if (type === 'text' && typeof node.text === 'string') {
      current += node.text;
      length += node.text.length;
      if (Array.isArray(node.marks) && node.marks.length > 0) formatted = true;
      return;
    }
    if (type === 'hardBreak') {
      lines.push(current);
      current = '';
      return;
    }
    const isBlock = typeof type === 'string' && BLOCKS.has(type);
    if (type === 'heading' || type === 'codeBlock' || type === 'blockquote') formatted = true;
    if (isBlock && current) {
      lines.push(current);
      current = '';
    }
    if (type === 'listItem' || type === 'taskItem') current += listKind === 'orderedList' ? `${index + 1}. ` : '• ';
    const children = Array.isArray(node.content) ? node.content : [];
    const kind = type === 'bulletList' || type === 'orderedList' || type === 'taskList' ? type : listKind;
    children.forEach((child, i) => visit(child, depth + 1, kind, i));
    if (isBlock) {
      lines.push(current);
      current = '';
    }
  };
  visit(doc, 0, null, 0);
  if (current) lines.push(current);
  return { text: lines.join('\n').slice(0, maxLength), formatted };
}

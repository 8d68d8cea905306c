import type { Editor } from '../editor.js';
import { LINE_HEIGHT, STICKY_PADDING } from '../render/text.js';
import { STICKY_TEXT_COLOR, strokeFor } from '../render/theme.js';
import { FONT_STACKS, cssFont } from '../style/stroke.js';
import type { TextEditSession } from '../text-editing.js';

/**
 * The <textarea> text is typed into, laid over the canvas exactly where the canvas draws that text (same
 * font, size, alignment, rotation), so typing looks like editing in place. The browser then gives us IME,
 * spellcheck, selection and accessibility for free, which a canvas-drawn caret would not.
 */
export class TextOverlay {
  readonly textarea: HTMLTextAreaElement;

  constructor(
    container: HTMLElement,
    private readonly canvas: HTMLCanvasElement,
    /** measures plain text as it grows */
    private readonly ctx: CanvasRenderingContext2D,
    private readonly editor: () => Editor,
  ) {
    const textarea = (this.textarea = document.createElement('textarea'));
    textarea.setAttribute('data-meshboard-text-editor', '');
    textarea.spellcheck = true;
    textarea.wrap = 'off';
    Object.assign(textarea.style, {
      position: 'absolute',
      display: 'none',
      margin: '0',
      padding: '0',
      border: 'none',
      outline: 'none',
      resize: 'none',
      overflow: 'hidden',
      background: 'transparent',
      transformOrigin: 'center center',
      whiteSpace: 'pre',
      zIndex: '1',
    });
    container.appendChild(textarea);
  }

  /** Wires typing, leaving and the commit keys to the editor; `listen` registers a removable listener. */
  attach(listen: (target: HTMLElement, type: string, handler: (event: Event) => void) => void): void {
    const textarea = this.textarea;
    listen(textarea, 'input', () => {
      const editor = this.editor();
      editor.updateTextDraft(textarea.value);
      if (editor.textEdit) this.position(editor.textEdit);
    });
    listen(textarea, 'blur', () => {
      const editor = this.editor();
      if (editor.textEdit) editor.commitTextEdit(textarea.value);
    });
    listen(textarea, 'keydown', (e) => {
      const event = e as KeyboardEvent;
      event.stopPropagation();
      // a frame's name is one line: Enter ends it; elsewhere Enter is a new line and Ctrl/Cmd+Enter ends
      const oneLine = this.editor().textEdit?.type === 'name';
      if (event.key === 'Escape' || (event.key === 'Enter' && (oneLine || event.ctrlKey || event.metaKey))) {
        event.preventDefault();
        this.editor().commitTextEdit(textarea.value);
      }
    });
  }

  remove(): void {
    this.textarea.remove();
  }

  show(session: TextEditSession | null): void {
    const textarea = this.textarea;
    if (!session) {
      textarea.style.display = 'none';
      if (document.activeElement === textarea) this.canvas.focus({ preventScroll: true });
      return;
    }
    textarea.value = session.text;
    textarea.style.display = 'block';
    this.restyle();
    this.position(session);
    // Focus after the current pointer event, or the pointerdown's default action steals focus back.
    setTimeout(() => {
      if (this.editor().textEdit !== session) return;
      textarea.focus({ preventScroll: true });
      textarea.setSelectionRange(textarea.value.length, textarea.value.length);
    }, 0);
  }

  /** Colour and font of the open session (again after a theme change). */
  restyle(): void {
    const editor = this.editor();
    const session = editor.textEdit;
    if (!session) return;
    const color = session.type === 'sticky' ? STICKY_TEXT_COLOR : session.type === 'name' ? session.color : strokeFor(session.color, editor.theme);
    Object.assign(this.textarea.style, { color, caretColor: color, fontFamily: FONT_STACKS[session.fontFamily], lineHeight: String(LINE_HEIGHT), textAlign: session.textAlign });
    const wraps = session.type === 'sticky' || session.type === 'label';
    this.textarea.wrap = wraps ? 'soft' : 'off';
    this.textarea.style.whiteSpace = wraps ? 'pre-wrap' : 'pre';
  }

  /** Places the textarea over the session's box at the current camera (after every frame and keystroke). */
  position(session: TextEditSession): void {
    const camera = this.editor().camera;
    const zoom = camera.zoom;
    const topLeft = camera.worldToScreen({ x: session.x, y: session.y });
    const pad = session.type === 'sticky' ? STICKY_PADDING * zoom : 0;
    const textarea = this.textarea;
    let width: number;
    let height: number;
    if (session.type === 'sticky' || session.type === 'label') {
      width = session.w * zoom - pad * 2;
      height = session.h * zoom - pad * 2;
      if (session.type === 'label') {
        // the label's text sits in the middle of its box, like the canvas draws it
        const lines = Math.max(1, Math.ceil(textarea.scrollHeight / (session.fontSize * LINE_HEIGHT * zoom) - 0.01));
        const used = Math.min(lines * session.fontSize * LINE_HEIGHT * zoom, Math.max(height, 0));
        textarea.style.paddingTop = `${Math.max((height - used) / 2, 0)}px`;
      } else textarea.style.paddingTop = '';
    } else {
      textarea.style.paddingTop = '';
      // Plain text grows with its content.
      const lines = textarea.value.split('\n');
      this.ctx.font = cssFont(session.fontSize, session.fontFamily);
      const widest = Math.max(...lines.map((line) => this.ctx.measureText(line).width), session.fontSize);
      width = (widest + session.fontSize) * zoom;
      height = lines.length * session.fontSize * LINE_HEIGHT * zoom;
    }
    Object.assign(textarea.style, {
      left: `${topLeft.x + pad}px`,
      top: `${topLeft.y + pad}px`,
      width: `${Math.max(width, 8)}px`,
      height: `${Math.max(height, session.fontSize * LINE_HEIGHT * zoom)}px`,
      fontSize: `${session.fontSize * zoom}px`,
      transformOrigin: `${-pad}px ${-pad}px`,
      transform: session.rotation ? `rotate(${session.rotation}rad)` : '',
    });
    if (session.rotation) {
      // Rotate about the shape's centre, like the canvas does.
      const cx = (session.w * zoom) / 2 - pad;
      const cy = (session.h * zoom) / 2 - pad;
      textarea.style.transformOrigin = `${cx}px ${cy}px`;
    }
  }
}

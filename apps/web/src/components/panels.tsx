'use client';

import { TOOLS, type CanvasEngine, type EngineState, type StyleState, type ToolId } from '@meshboard/canvas';
import type { ConnectionStatus } from '@meshboard/sync';
import { Icon } from './icons';
import type { PresenceEntry } from '../lib/meeting';

const VIEW_TOOLS = new Set<ToolId>(['select', 'hand']);

export function Toolbar({ engine, state, onToggleStyle, styleOpen, laser = false, onLaser }: { engine: CanvasEngine; state: EngineState; onToggleStyle: () => void; styleOpen: boolean; laser?: boolean; onLaser?: (on: boolean) => void }) {
  return (
    <nav className="toolbar" aria-label="Tools" data-testid="toolbar">
      {TOOLS.map((tool) => {
        const disabled = state.readOnly && !VIEW_TOOLS.has(tool.id);
        return (
          <button
            key={tool.id}
            type="button"
            className="tool"
            data-testid={`tool-${tool.id}`}
            aria-pressed={!laser && state.tool === tool.id}
            aria-label={tool.label}
            title={tool.id === 'image' ? `${tool.label} (${tool.key}): pick a file, or paste / drop one on the board` : `${tool.label} (${tool.key})`}
            disabled={disabled}
            // the engine opens its own file picker for the image tool
            onClick={() => {
              onLaser?.(false);
              engine.setTool(tool.id);
            }}
          >
            <Icon name={tool.id} />
          </button>
        );
      })}
      {onLaser ? (
        <button type="button" className="tool" data-testid="tool-laser" aria-pressed={laser} aria-label="Laser pointer" title="Laser pointer (K): a trail everyone sees for a moment, never saved" onClick={() => onLaser(!laser)}>
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
            <circle cx="17" cy="7" r="3" fill="#e03131" stroke="#e03131" />
            <path d="M4 20c3-1 6-4 8-7" opacity="0.5" />
          </svg>
        </button>
      ) : null}
      {!state.readOnly ? (
        <>
          <span className="sep" aria-hidden />
          <button type="button" className="tool" aria-pressed={styleOpen} aria-label="Style panel" title="Style panel" data-testid="toggle-style" onClick={onToggleStyle}>
            <Icon name="style" />
          </button>
        </>
      ) : null}
    </nav>
  );
}

const STROKES = ['#1e1e1e', '#e03131', '#2f9e44', '#1971c2', '#f08c00', '#9c36b5'];
const FILLS = ['transparent', '#ffc9c9', '#b2f2bb', '#a5d8ff', '#ffec99', '#eebefa'];
const WIDTHS = [1, 2, 4, 8, 16];
const FONT_SIZES = [14, 20, 28, 36, 48, 64];
const SIZE_PRESETS: Array<[string, number]> = [['S', 16], ['M', 20], ['L', 28], ['XL', 36]];

/** A row of mutually exclusive buttons for one style field. */
function Segmented<T extends string | number>({ legend, options, value, onPick, testid }: { legend: string; options: Array<[T, string, string?]>; value: T; onPick: (v: T) => void; testid: string }) {
  return (
    <fieldset className="field">
      <legend>{legend}</legend>
      <div className="seg" data-testid={testid}>
        {options.map(([v, label, text]) => (
          <button key={String(v)} type="button" aria-pressed={value === v} aria-label={`${legend} ${label}`} title={label} data-testid={`${testid}-${v}`} onClick={() => onPick(v)}>
            {text ?? label}
          </button>
        ))}
      </div>
    </fieldset>
  );
}

const ARROWHEAD_OPTIONS: Array<[StyleState['endArrowhead'], string, string]> = [
  ['none', 'None', '—'],
  ['arrow', 'Arrow', '→'],
  ['triangle', 'Triangle', '▶'],
  ['bar', 'Bar', '⊣'],
  ['dot', 'Dot', '•'],
];

function Swatches({ label, colors, value, onPick, testid }: { label: string; colors: string[]; value: string; onPick: (c: string) => void; testid: string }) {
  return (
    <fieldset className="field">
      <legend>{label}</legend>
      <div className="swatches">
        {colors.map((color) => (
          <button
            key={color}
            type="button"
            className={color === 'transparent' ? 'swatch transparent' : 'swatch'}
            style={color === 'transparent' ? undefined : { background: color }}
            aria-label={`${label} ${color}`}
            aria-pressed={value.toLowerCase() === color}
            onClick={() => onPick(color)}
          />
        ))}
        <input
          type="color"
          className="swatch custom"
          aria-label={`Custom ${label.toLowerCase()}`}
          data-testid={`${testid}-custom`}
          value={/^#[0-9a-f]{6}$/i.test(value) ? value : '#ffffff'}
          onChange={(e) => onPick(e.target.value)}
        />
      </div>
    </fieldset>
  );
}

export function StylePanel({ engine, state }: { engine: CanvasEngine; state: EngineState }) {
  const style = state.style;
  const set = (patch: Partial<StyleState>) => engine.setStyle(patch);
  const hasSelection = state.selection.length > 0;
  return (
    <aside className="panel style-panel" aria-label="Style" data-testid="style-panel">
      <Swatches label="Stroke" testid="stroke" colors={STROKES} value={style.strokeColor} onPick={(c) => set({ strokeColor: c })} />
      <Swatches label="Fill" testid="fill" colors={FILLS} value={style.fillColor} onPick={(c) => set({ fillColor: c })} />
      <fieldset className="field">
        <legend>Width</legend>
        <div className="seg">
          {WIDTHS.map((w) => (
            <button key={w} type="button" aria-pressed={style.strokeWidth === w} aria-label={`Width ${w}`} onClick={() => set({ strokeWidth: w })}>
              <span className="width-dot" style={{ height: Math.min(w, 12), width: 18 }} />
            </button>
          ))}
        </div>
      </fieldset>
      <label className="field">
        <span>Opacity {Math.round(style.opacity * 100)}%</span>
        <input type="range" min={10} max={100} step={5} value={Math.round(style.opacity * 100)} onChange={(e) => set({ opacity: Number(e.target.value) / 100 })} data-testid="opacity" />
      </label>
      <Segmented legend="Stroke style" testid="stroke-style" value={style.strokeStyle} onPick={(v) => set({ strokeStyle: v })} options={[['solid', 'Solid', '—'], ['dashed', 'Dashed', '- -'], ['dotted', 'Dotted', '···']]} />
      <Segmented legend="Sloppiness" testid="roughness" value={style.roughness} onPick={(v) => set({ roughness: v })} options={[[0, 'Clean', '▭'], [1, 'Hand-drawn', '✎'], [2, 'Very sloppy', '✎✎']]} />
      <Segmented legend="Edges" testid="edges" value={style.cornerRadius > 0 ? 16 : 0} onPick={(v) => set({ cornerRadius: v })} options={[[0, 'Sharp', '┌'], [16, 'Round', '╭']]} />
      <Segmented legend="Arrow" testid="arrow-type" value={style.arrowType} onPick={(v) => set({ arrowType: v })} options={[['straight', 'Straight', '↗'], ['curved', 'Curved', '⤴'], ['elbow', 'Elbow', '┐']]} />
      <Segmented legend="Start" testid="start-arrowhead" value={style.startArrowhead} onPick={(v) => set({ startArrowhead: v })} options={ARROWHEAD_OPTIONS} />
      <Segmented legend="End" testid="end-arrowhead" value={style.endArrowhead} onPick={(v) => set({ endArrowhead: v })} options={ARROWHEAD_OPTIONS} />
      <Segmented legend="Font" testid="font-family" value={style.fontFamily} onPick={(v) => set({ fontFamily: v })} options={[['hand', 'Hand-drawn', 'Aa'], ['sans', 'Sans', 'Aa'], ['serif', 'Serif', 'Aa'], ['mono', 'Mono', 'Aa']]} />
      <Segmented legend="Size" testid="size-preset" value={style.fontSize} onPick={(v) => set({ fontSize: v })} options={SIZE_PRESETS.map(([label, size]) => [size, label, label] as [number, string, string])} />
      <Segmented legend="Align" testid="text-align" value={style.textAlign} onPick={(v) => set({ textAlign: v })} options={[['left', 'Left', '⇤'], ['center', 'Centre', '↔'], ['right', 'Right', '⇥']]} />
      <Segmented legend="Vertical" testid="vertical-align" value={style.verticalAlign} onPick={(v) => set({ verticalAlign: v })} options={[['top', 'Top', '⤒'], ['middle', 'Middle', '↕'], ['bottom', 'Bottom', '⤓']]} />
      <label className="field">
        <span>Font size</span>
        <select className="input" value={style.fontSize} onChange={(e) => set({ fontSize: Number(e.target.value) })} data-testid="font-size">
          {[...new Set([...FONT_SIZES, style.fontSize])].sort((a, b) => a - b).map((size) => (
            <option key={size} value={size}>
              {size}px
            </option>
          ))}
        </select>
      </label>
      {hasSelection ? (
        <fieldset className="field">
          <legend>Selection ({state.selection.length})</legend>
          <div className="seg">
            <button type="button" title="Duplicate (Ctrl+D)" aria-label="Duplicate" onClick={() => engine.duplicateSelection()}>
              <Icon name="duplicate" />
            </button>
            <button type="button" title="Bring to front" aria-label="Bring to front" onClick={() => engine.reorderSelection('front')}>
              <Icon name="front" />
            </button>
            <button type="button" title="Send to back" aria-label="Send to back" onClick={() => engine.reorderSelection('back')}>
              <Icon name="back" />
            </button>
            <button type="button" title="Delete (Del)" aria-label="Delete selection" data-testid="delete-selection" onClick={() => engine.deleteSelection()}>
              <Icon name="trash" />
            </button>
          </div>
        </fieldset>
      ) : null}
    </aside>
  );
}

export function ZoomAndHistory({ engine, state }: { engine: CanvasEngine; state: EngineState }) {
  return (
    <div className="bottom-controls">
      {!state.readOnly ? (
        <div className="group" role="group" aria-label="History">
          <button type="button" className="btn icon" data-testid="undo" aria-label="Undo" title="Undo (Ctrl+Z)" disabled={!state.canUndo} onClick={() => engine.undo()}>
            <Icon name="undo" />
          </button>
          <button type="button" className="btn icon" data-testid="redo" aria-label="Redo" title="Redo (Ctrl+Shift+Z)" disabled={!state.canRedo} onClick={() => engine.redo()}>
            <Icon name="redo" />
          </button>
        </div>
      ) : null}
      <div className="group" role="group" aria-label="Zoom">
        <button type="button" className="btn icon" data-testid="zoom-out" aria-label="Zoom out" onClick={() => engine.zoomOut()}>
          <Icon name="zoomOut" />
        </button>
        <button type="button" className="btn zoom-pct" data-testid="zoom-reset" title="Reset zoom to 100%" onClick={() => engine.resetZoom()}>
          {Math.round(state.zoom * 100)}%
        </button>
        <button type="button" className="btn icon" data-testid="zoom-in" aria-label="Zoom in" onClick={() => engine.zoomIn()}>
          <Icon name="zoomIn" />
        </button>
        <button type="button" className="btn icon" data-testid="zoom-fit" aria-label="Zoom to fit" title="Zoom to fit" onClick={() => engine.zoomToFit()}>
          <Icon name="fit" />
        </button>
      </div>
    </div>
  );
}

const MODE_LABEL = { p2p: 'peer-to-peer', relay: 'via relay', connecting: 'connecting', offline: 'offline' } as const;

/** What a person needs to know when the store cannot be reached: where their edits are right now. */
function offlineText(status: ConnectionStatus, localCopy: boolean, readOnly: boolean): string | null {
  if (status.store !== 'offline') return null;
  // the store answered and refused: say why, since waiting for the network will not fix it
  const refusal = readOnly ? null : status.storeRefusal;
  if (refusal?.code === 'payload_too_large') return `Board full — your latest changes are not saved (${refusal.message})`;
  if (refusal?.code === 'rate_limited') return 'Saving too fast — your latest changes are waiting to be saved';
  if (refusal) return `The store refused your changes — not saved yet (${refusal.message})`;
  // still live with others (signaling up) but the store is out of reach: say which half is missing
  const what = status.signaling === 'connected' ? 'Store unreachable' : 'Offline';
  if (readOnly) return `${what} — showing the last version loaded`;
  return localCopy ? `${what} — changes saved in this browser` : `${what} — changes not saved yet`;
}

export function ConnectionStatusView({ status, localCopy = false, readOnly = false }: { status: ConnectionStatus; localCopy?: boolean; readOnly?: boolean }) {
  const offline = offlineText(status, localCopy, readOnly);
  const p2p = status.peers.filter((p) => p.mode === 'p2p').length;
  const relay = status.peers.filter((p) => p.mode === 'relay').length;
  const healthy = status.signaling === 'connected' && status.store === 'synced';
  const refused = status.store === 'offline' && status.storeRefusal !== null && status.storeRefusal.code !== 'rate_limited';
  const level = status.store === 'error' || refused || (status.signaling === 'offline' && status.store === 'offline') ? 'bad' : healthy ? 'good' : 'warn';
  return (
    <div
      className={`status status-${level}`}
      data-testid="connection-status"
      data-signaling={status.signaling}
      data-store={status.store}
      data-p2p={p2p}
      data-relay={relay}
      data-pending-bytes={status.pendingUploadBytes}
      data-store-refusal={status.storeRefusal?.code ?? ''}
      data-local-only={offline && !readOnly ? 'true' : 'false'}
      role="status"
      title={`Signaling: ${status.signaling}. Store: ${status.store}${status.pendingUploadBytes ? ` (${status.pendingUploadBytes} bytes waiting to upload)` : ''}.${offline && localCopy && !readOnly ? ' Your changes are kept in this browser and uploaded when the store is reachable again.' : ''}`}
    >
      <span className="dot" aria-hidden />
      {offline ? <strong data-testid="offline-notice">{offline}</strong> : null}
      <span>Live: {status.signaling}</span>
      <span>Saved: {status.store === 'synced' ? 'yes' : status.store}</span>
      {status.peers.length > 0 ? (
        <span>
          {status.peers.length} peer{status.peers.length === 1 ? '' : 's'}
          {p2p ? ` · ${p2p} ${MODE_LABEL.p2p}` : ''}
          {relay ? ` · ${relay} ${MODE_LABEL.relay}` : ''}
        </span>
      ) : null}
    </div>
  );
}

export type { PresenceEntry } from '../lib/meeting';

/**
 * Everyone on the board, once per person (two tabs show as one, with a count). Clicking someone follows their
 * viewport until you pan or zoom yourself (or click them again).
 */
export function PresenceList({ entries, onFollow }: { entries: PresenceEntry[]; onFollow?: (clientId: number | null) => void }) {
  return (
    <ul className="presence" data-testid="presence-list" data-count={entries.length} aria-label="People on this board">
      {entries.map((entry) => {
        const label = `${entry.name}${entry.self ? ' (you)' : ''} · ${entry.role === 'edit' ? 'can edit' : 'view only'}${entry.mode ? ` · ${MODE_LABEL[entry.mode]}` : ''}${entry.count > 1 ? ` · ${entry.count} tabs` : ''}`;
        const followable = !entry.self && entry.clientId !== null && onFollow;
        return (
          <li
            key={entry.key}
            title={followable ? `${label} — ${entry.following ? 'click to stop following' : 'click to follow'}` : label}
            data-testid="presence-entry"
            data-user-id={entry.userId}
            data-name={entry.name}
            data-count={entry.count}
            data-self={entry.self ? 'true' : 'false'}
            data-following={entry.following ? 'true' : 'false'}
            data-presenting={entry.presenting ? 'true' : 'false'}
            data-role={entry.role}
            data-mode={entry.mode ?? ''}
            role={followable ? 'button' : undefined}
            tabIndex={followable ? 0 : undefined}
            aria-pressed={followable ? Boolean(entry.following) : undefined}
            style={followable ? { cursor: 'pointer', outline: entry.following ? `2px solid ${entry.color}` : undefined, borderRadius: 6 } : undefined}
            onClick={followable ? () => onFollow(entry.following ? null : entry.clientId) : undefined}
            onKeyDown={
              followable
                ? (e) => {
                    if (e.key === 'Enter' || e.key === ' ') {
                      e.preventDefault();
                      onFollow(entry.following ? null : entry.clientId);
                    }
                  }
                : undefined
            }
          >
            <span className="avatar" style={{ background: entry.color }}>
              {entry.name.trim().charAt(0).toUpperCase() || '?'}
            </span>
            <span className="presence-name">
              {entry.name}
              {entry.self ? ' (you)' : ''}
            </span>
            {entry.count > 1 ? (
              <span className="tab-count" data-testid="presence-tab-count" aria-label={`${entry.count} tabs`}>
                ×{entry.count}
              </span>
            ) : null}
            <span className="presence-meta">
              {entry.presenting ? 'presenting · ' : entry.following ? 'following · ' : ''}
              {entry.role === 'view' ? 'view' : 'edit'}
              {entry.mode && !entry.self ? ` · ${entry.mode}` : ''}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

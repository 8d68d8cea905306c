/** A pointer event reduced to what the tools need; x/y are CSS pixels relative to the canvas. */
export interface PointerInput {
  x: number;
  y: number;
  pointerId: number;
  pointerType: 'mouse' | 'pen' | 'touch' | string;
  /** 0..1; pens report real pressure, mice report 0 or 0.5 */
  pressure: number;
  button: number;
  shiftKey: boolean;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

export interface WheelInput {
  x: number;
  y: number;
  deltaX: number;
  deltaY: number;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

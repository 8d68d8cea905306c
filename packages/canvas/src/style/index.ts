/**
 * Style geometry as pure data, shared by the canvas renderer and exporters (SVG/PNG/PDF): dash patterns,
 * font stacks, arrowhead paths, arrow routing (straight / curved / elbow), label layout and the hand-drawn
 * (roughjs) paths with their per-shape seed. Nothing here touches the DOM.
 */
export * from './path.js';
export * from './stroke.js';
export * from './arrowheads.js';
export * from './arrow-route.js';
export * from './label-layout.js';
export * from './rough.js';
export * from './elbow-route.js';

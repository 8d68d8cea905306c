/**
 * Pure drawing geometry shared by everything that draws a board: the canvas engine (packages/canvas) and
 * the exporters (packages/interop). Both sit above this package and may not import each other, so the one
 * definition of how an arrow runs, where its label sits and what a shape's outline is lives here. Plain
 * numbers and path data only: no DOM, no canvas or PDF types.
 */
export * from './bounds.js';
export * from './path.js';
export * from './outlines.js';
export * from './elbow-route.js';
export * from './arrow-route.js';
export * from './arrowheads.js';
export * from './arrow-label.js';
export * from './bindings.js';

/**
 * Style geometry as pure data for the canvas renderer: dash patterns, font stacks, arrowhead paths, label
 * layout and the hand-drawn (roughjs) paths with their per-shape seed. Nothing here touches the DOM.
 * Arrow routing (straight / curved / elbow), label placement on the line, path data and shape outlines are
 * shared with the exporters and live in @meshboard/board (src/geometry/); they are re-exported below so
 * the canvas's public API keeps offering them.
 */
export * from './stroke.js';
export * from './label-layout.js';
export * from './rough.js';
export {
  ARROW_LABEL_GAP,
  CURVE_BOW,
  ELBOW_STUB,
  arrowLabelPlacement,
  arrowheadGeometry,
  arrowheadSize,
  elbowPoints,
  facingSide,
  flattenPath,
  pathToSvg,
  readableAngle,
  roundedPolygon,
  routeArrow,
  routeElbow,
  sidePoint,
  tracePath,
  type ArrowLabelPlacement,
  type ArrowheadGeometry,
  type ArrowRoute,
  type ElbowBindings,
  type ElbowEnd,
  type PathSegment,
  type PathSink,
  type Side,
} from '@meshboard/board';

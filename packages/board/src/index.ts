export * from './schema.js';
export * from './doc.js';
export * from './read.js';
export * from './storage.js';
export * from './geometry.js';
export * from './zorder.js';
export * from './board.js';
export * from './file.js';

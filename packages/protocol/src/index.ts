export * from './errors.js';
export * from './limits.js';
export * from './ids.js';
export * from './token.js';
export * from './base64.js';
export * from './http.js';
export * from './socket.js';
export * from './ice.js';

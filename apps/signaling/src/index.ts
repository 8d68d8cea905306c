export { createSignalingServer, STOCK_YWEBRTC_PATH, type SignalingServer } from './server.js';
export { loadConfig, defaultRate, type SignalingConfig, type RateLimit } from './config.js';

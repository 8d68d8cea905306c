import { Counter, Gauge, type Registry } from 'prom-client';
import { createMetricsRegistry } from '@meshboard/service-kit';

export type TrafficPath = 'relay' | 'signaling' | 'presence' | 'control';

export interface SignalingMetrics {
  registry: Registry;
  messages: Counter<'type' | 'path'>;
  bytes: Counter<'type' | 'path'>;
  rejected: Counter<'reason'>;
  authChecks: Counter<'result'>;
  connections: Gauge<'transport'>;
  rooms: Gauge;
  handlerErrors: Counter<'event'>;
  cut: Counter<'reason'>;
  disconnects: Counter<'reason'>;
  peersRevoked: Counter;
}

export function createSignalingMetrics(sample: () => { socketio: number; ws: number; rooms: number }): SignalingMetrics {
  const registry = createMetricsRegistry('signaling');
  return {
    registry,
    messages: new Counter({
      name: 'meshboard_signaling_messages_total',
      help: 'Messages received, by event type and path (relay, signaling, presence, control)',
      labelNames: ['type', 'path'],
      registers: [registry],
    }),
    bytes: new Counter({
      name: 'meshboard_signaling_bytes_total',
      help: 'Bytes received, by event type and path',
      labelNames: ['type', 'path'],
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'meshboard_signaling_rejected_total',
      help: 'Frames and connections refused, by reason (error code or drop reason)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    authChecks: new Counter({
      name: 'meshboard_signaling_token_generation_checks_total',
      help: 'Token generation checks against persistence, by result (ok, revoked, not_found, cached, unreachable)',
      labelNames: ['result'],
      registers: [registry],
    }),
    connections: new Gauge({
      name: 'meshboard_signaling_connections',
      help: 'Open connections on this node, by transport (socketio, ws = stock y-webrtc endpoint)',
      labelNames: ['transport'],
      registers: [registry],
      collect() {
        const s = sample();
        this.set({ transport: 'socketio' }, s.socketio);
        this.set({ transport: 'ws' }, s.ws);
      },
    }),
    handlerErrors: new Counter({
      name: 'meshboard_signaling_handler_errors_total',
      help: 'Messages dropped because their handler threw (logged once per connection and event; never fatal)',
      labelNames: ['event'],
      registers: [registry],
    }),
    cut: new Counter({
      name: 'meshboard_signaling_connections_cut_total',
      help: 'Connections closed by the service, by reason (flood, failed_joins, handshake_timeout, revoked)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    disconnects: new Counter({
      name: 'meshboard_signaling_disconnects_total',
      help: "Socket.IO connections ended, by Socket.IO's reason ('ping timeout' = the client did not answer the heartbeat in time, 'transport close', 'client namespace disconnect', ...)",
      labelNames: ['reason'],
      registers: [registry],
    }),
    peersRevoked: new Counter({
      name: 'meshboard_signaling_peers_revoked_total',
      help: 'WebRTC peer ids announced in peers:revoked (peers drop their links to them)',
      registers: [registry],
    }),
    rooms: new Gauge({
      name: 'meshboard_signaling_rooms',
      help: 'Boards with at least one connection on this node',
      registers: [registry],
      collect() {
        this.set(sample().rooms);
      },
    }),
  };
}

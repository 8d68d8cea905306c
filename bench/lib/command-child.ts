/**
 * The child side of the bench's load processes (peer.ts, writer.ts, fanout-client.ts): answers each
 * `{id, cmd, ...}` from the parent with `{id, result}` or `{id, error}`, exits when the parent goes away, and
 * says `{ready: true}` once listening.
 */
export function serveCommands<M extends { id: number }>(handle: (msg: M) => Promise<unknown>): void {
  process.on('message', (msg: M) => {
    handle(msg).then(
      (result) => process.send?.({ id: msg.id, result }),
      (error: unknown) => process.send?.({ id: msg.id, error: String((error as Error)?.stack ?? error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ ready: true });
}

/** One-shot timers owned by a connection, all cleared at once when it is torn down. */
export class Timers {
  private readonly pending = new Set<ReturnType<typeof setTimeout>>();

  later(fn: () => void, ms: number): ReturnType<typeof setTimeout> {
    const t = setTimeout(() => {
      this.pending.delete(t);
      fn();
    }, ms);
    this.pending.add(t);
    return t;
  }

  clear(): void {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }
}

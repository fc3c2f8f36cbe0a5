/**
 * Remembers which weighted branch a session or client was given, so `affinity=session|client`
 * keeps it there while that branch stays healthy. Bounded: the least recently used entries go.
 */
export class AffinityMemory {
  private readonly entries = new Map<string, number>();

  constructor(private readonly capacity = 10_000) {}

  get(key: string): number | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: string, branch: number): void {
    this.entries.delete(key);
    this.entries.set(key, branch);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}

import { conversationSize } from "./conversation-size.ts";
import type { ConversationLimits, ConversationStore, StoredConversation } from "./conversation-types.ts";

interface Entry {
  record: StoredConversation;
  size: number;
}

/** Puts between sweeps for expired records (a read of an expired record drops it at once). */
const sweepEvery = 1000;

/**
 * The default store: a Map in least-recently-used order, bounded by `max_entries` and
 * `max_bytes`, records expiring `ttl` after they were stored. Reads hand out copies, so a caller
 * that edits the messages it continues from (request stages do) never changes what is kept;
 * `put` takes the record as it is, and nobody may change it afterwards.
 */
export class MemoryConversationStore implements ConversationStore {
  readonly kind = "memory";
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private puts = 0;

  constructor(
    private readonly limits: ConversationLimits,
    private readonly now: () => number = Date.now,
  ) {}

  private expired(record: StoredConversation): boolean {
    return this.limits.ttlMs !== undefined && this.now() - record.createdAt >= this.limits.ttlMs;
  }

  private take(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    this.bytes -= entry.size;
    return entry;
  }

  private sweep(): void {
    for (const [id, entry] of this.entries) if (this.expired(entry.record)) this.take(id);
  }

  async get(id: string): Promise<StoredConversation | undefined> {
    const entry = this.take(id);
    if (!entry || this.expired(entry.record)) return undefined;
    this.entries.set(id, entry);
    this.bytes += entry.size;
    return structuredClone(entry.record);
  }

  async put(record: StoredConversation): Promise<void> {
    this.take(record.id);
    const size = conversationSize(record);
    this.entries.set(record.id, { record, size });
    this.bytes += size;
    if (++this.puts % sweepEvery === 0) this.sweep();
    // A record larger than max_bytes on its own evicts everything, itself last: it is not kept.
    while (this.entries.size > this.limits.maxEntries || this.bytes > this.limits.maxBytes) this.take(this.entries.keys().next().value!);
  }

  async delete(id: string): Promise<boolean> {
    const entry = this.take(id);
    return entry !== undefined && !this.expired(entry.record);
  }

  /** Records and their approximate bytes, for tests and diagnostics. */
  get usage(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.bytes = 0;
  }
}

import type { Database, Statement } from "bun:sqlite";
import type { Message } from "../model/call.ts";
import type { Part } from "../model/parts.ts";
import type { ConversationLimits, ConversationStore, StoredConversation } from "./conversation-types.ts";

interface Row {
  id: string;
  dialect: string;
  owner: string | null;
  created_at: number;
  last_use: number;
  preamble: number;
  size: number;
  messages: string;
  output: string;
  rendered: string;
}

/** Puts between sweeps for expired rows (a read of an expired row deletes it at once). */
const sweepEvery = 500;

/**
 * Kept responses in the continuity database (`continuity.store: sqlite`), beside the lineage
 * tables and under the same migrations. `last_use` orders the LRU: a put over `max_entries` or
 * `max_bytes` (the JSON's length) deletes the least recently used rows, so the bounds hold exactly.
 */
export class SqliteConversationStore implements ConversationStore {
  readonly kind = "sqlite";
  private readonly select: Statement<Row, [string]>;
  private readonly createdAt: Statement<{ created_at: number }, [string]>;
  private readonly touch: Statement<unknown, [number, string]>;
  private readonly insert: Statement<unknown, [string, string, string | null, number, number, number, number, string, string, string]>;
  private readonly remove: Statement<{ size: number }, [string]>;
  private readonly evictOldest: Statement<{ size: number }, []>;
  private count = 0;
  private bytes = 0;
  /** Uses are numbered, not timed: two uses within one clock tick still keep their order. */
  private uses: number;
  private puts = 0;

  constructor(
    private readonly db: Database,
    private readonly limits: ConversationLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.select = db.query("SELECT * FROM conversations WHERE id = ?");
    this.createdAt = db.query("SELECT created_at FROM conversations WHERE id = ?");
    this.touch = db.query("UPDATE conversations SET last_use = ? WHERE id = ?");
    this.insert = db.query(
      `INSERT INTO conversations (id, dialect, owner, created_at, last_use, preamble, size, messages, output, rendered)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.remove = db.query("DELETE FROM conversations WHERE id = ? RETURNING size");
    this.evictOldest = db.query("DELETE FROM conversations WHERE id = (SELECT id FROM conversations ORDER BY last_use LIMIT 1) RETURNING size");
    this.uses = db.query<{ last: number | null }, []>("SELECT MAX(last_use) AS last FROM conversations").get()!.last ?? 0;
    this.sweep();
    this.evict();
  }

  /** Recounts from the table: on opening, and after a sweep deleted rows in bulk. */
  private recount(): void {
    const totals = this.db.query<{ count: number; bytes: number | null }, []>("SELECT COUNT(*) AS count, SUM(size) AS bytes FROM conversations").get()!;
    this.count = totals.count;
    this.bytes = totals.bytes ?? 0;
  }

  private sweep(): void {
    if (this.limits.ttlMs !== undefined) this.db.run("DELETE FROM conversations WHERE created_at <= ?", [this.now() - this.limits.ttlMs]);
    this.recount();
  }

  private deleted(row: { size: number } | null): boolean {
    if (!row) return false;
    this.count--;
    this.bytes -= row.size;
    return true;
  }

  private evict(): void {
    while ((this.count > this.limits.maxEntries || this.bytes > this.limits.maxBytes) && this.deleted(this.evictOldest.get()));
  }

  private expired(row: { created_at: number }): boolean {
    return this.limits.ttlMs !== undefined && this.now() - row.created_at >= this.limits.ttlMs;
  }

  async get(id: string): Promise<StoredConversation | undefined> {
    const row = this.select.get(id);
    if (!row) return undefined;
    if (this.expired(row)) {
      this.deleted(this.remove.get(id));
      return undefined;
    }
    this.touch.run(++this.uses, id);
    return {
      id: row.id,
      dialect: row.dialect,
      ...(row.owner !== null && { owner: row.owner }),
      createdAt: row.created_at,
      messages: JSON.parse(row.messages) as Message[],
      preamble: row.preamble,
      output: JSON.parse(row.output) as Part[],
      rendered: JSON.parse(row.rendered) as unknown,
    };
  }

  async put(record: StoredConversation): Promise<void> {
    this.deleted(this.remove.get(record.id));
    const messages = JSON.stringify(record.messages);
    const output = JSON.stringify(record.output);
    const rendered = JSON.stringify(record.rendered ?? null);
    const size = messages.length + output.length + rendered.length;
    this.insert.run(record.id, record.dialect, record.owner ?? null, record.createdAt, ++this.uses, record.preamble, size, messages, output, rendered);
    this.count++;
    this.bytes += size;
    if (++this.puts % sweepEvery === 0) this.sweep();
    this.evict();
  }

  async delete(id: string): Promise<boolean> {
    const row = this.createdAt.get(id);
    if (!row) return false;
    this.deleted(this.remove.get(id));
    return !this.expired(row);
  }

  async close(): Promise<void> {
    // The database belongs to whoever opened it (it is shared with the lineage store).
  }
}

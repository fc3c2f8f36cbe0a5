import type { Message } from "../model/call.ts";
import type { Part } from "../model/parts.ts";

/**
 * One kept response: the conversation that produced it and the answer, in canonical form (so a
 * continuation can go to any backend), plus the response as the client's dialect rendered it
 * (so retrieval shows exactly what the client saw). Each record holds its whole conversation:
 * continuing from it never depends on earlier records, which may have expired or been deleted.
 */
export interface StoredConversation {
  /** The id the client was shown (Responses `resp_…`): 128 random bits, the only way to reach it. */
  id: string;
  /** The frontend that stored it; other dialects do not see it. */
  dialect: string;
  /** Who stored it (a hash of the client's credential), when known: nobody else may read it. */
  owner?: string;
  /** Milliseconds since the epoch; the TTL counts from here. */
  createdAt: number;
  /** The request's messages with any continued conversation inserted, before the request stages. */
  messages: Message[];
  /** Leading messages of `messages` that belonged to that request alone (not carried over). */
  preamble: number;
  /** The answer's parts, as the client received them (after the event stages). */
  output: Part[];
  /** The response object as the client's dialect rendered it. */
  rendered: unknown;
}

/**
 * Where kept responses live. Async throughout so a networked store (Postgres) fits behind it;
 * the memory and SQLite stores answer at once. Records returned are the caller's to change.
 */
export interface ConversationStore {
  readonly kind: string;
  /** The record, or undefined when unknown, expired or evicted; a read counts as a use for LRU. */
  get(id: string): Promise<StoredConversation | undefined>;
  put(record: StoredConversation): Promise<void>;
  /** True when a live record was deleted. */
  delete(id: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface ConversationLimits {
  /** Most records kept; the least recently used go first. */
  maxEntries: number;
  /** Most bytes of records kept (approximate: text, data, arguments, signatures); least recently used go first. */
  maxBytes: number;
  /** Forget records this long after they were stored (milliseconds); absent = keep until evicted. */
  ttlMs?: number;
}

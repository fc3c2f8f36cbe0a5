import type { Logger } from "../codec.ts";
import type { CanonicalCall, Message } from "../model/call.ts";
import { invalidRequest, LipError } from "../model/errors.ts";
import type { ConversationStore, StoredConversation } from "./conversation-types.ts";

/** The messages a continuation of `record` carries: its conversation without its preamble, then its answer. */
export function carriedMessages(record: StoredConversation): Message[] {
  const messages = record.messages.slice(record.preamble);
  if (record.output.length > 0) messages.push({ role: "assistant", parts: record.output });
  return messages;
}

/**
 * Kept responses over a store, for every dialect that asks (`CanonicalCall.continuation`).
 * Writes go to the store in the background, yet a read of an id whose write is still in flight
 * waits for it, so a client that continues the moment its answer ends always finds it. A record
 * with an owner is invisible to anyone else: to them it does not exist.
 */
export class Conversations {
  private readonly pending = new Map<string, Promise<void>>();

  /** `store` undefined: keeping responses is switched off. */
  constructor(
    readonly store: ConversationStore | undefined,
    private readonly log: Logger,
  ) {}

  get enabled(): boolean {
    return this.store !== undefined;
  }

  save(record: StoredConversation): void {
    const store = this.store;
    if (!store) return;
    const write = store.put(record).catch((thrown) => this.log("warn", "conversation store write failed", { store: store.kind, error: String(thrown) }));
    this.pending.set(record.id, write);
    void write.finally(() => {
      if (this.pending.get(record.id) === write) this.pending.delete(record.id);
    });
  }

  async load(id: string, owner: string | undefined): Promise<StoredConversation | undefined> {
    if (!this.store) return undefined;
    const write = this.pending.get(id);
    if (write) await write;
    const record = await this.store.get(id);
    if (!record || (record.owner !== undefined && record.owner !== owner)) return undefined;
    return record;
  }

  async remove(id: string, owner: string | undefined): Promise<boolean> {
    if (!this.store || !(await this.load(id, owner))) return false;
    return this.store.delete(id);
  }

  /**
   * The call with the conversation its `continuation.previousId` names inserted after its
   * preamble, exactly as if the client had sent the whole history itself. Unknown, expired,
   * deleted, another client's or another dialect's: 404 `previous_response_not_found`.
   */
  async continueCall(call: CanonicalCall, owner: string | undefined): Promise<CanonicalCall> {
    const continuation = call.continuation;
    const previousId = continuation?.previousId;
    if (!continuation || previousId === undefined) return call;
    if (!this.store) {
      throw invalidRequest(
        "previous_response_id cannot be used: this gateway keeps no responses (continuity.stored_responses.enabled is false); send the full conversation in input",
        "previous_response_id",
        "unsupported_parameter",
      );
    }
    const record = await this.load(previousId, owner);
    if (!record || record.dialect !== call.sourceDialect) {
      throw new LipError("not_found", `Previous response with id '${previousId}' not found.`, { code: "previous_response_not_found", param: "previous_response_id" });
    }
    const { preamble } = continuation;
    return { ...call, messages: [...call.messages.slice(0, preamble), ...carriedMessages(record), ...call.messages.slice(preamble)] };
  }

  async close(): Promise<void> {
    await Promise.all(this.pending.values());
    await this.store?.close();
  }
}

import type { Logger } from "../codec.ts";
import type { AttemptRecord, AttemptSink } from "../executor/types.ts";
import type { CanonicalCall } from "../model/call.ts";
import type { RouteConversation } from "../routing/route-walker.ts";
import { identifyALeg, startsConversation } from "./a-leg-identity.ts";
import type { ALegRecord, ContinuityStore, MaybePromise } from "./types.ts";

/** One request's place in its conversation: the A-leg, B-leg numbering, and the attempt sink. */
export interface Turn {
  aLegId: string;
  conversation: RouteConversation;
  nextSeq(): number;
  sink: AttemptSink;
  /** The request is over (answered, failed or cancelled): persist and let go of the A-leg. */
  end(): void;
}

interface Active {
  leg: ALegRecord;
  refs: number;
}

/** `clientKey` is asked for only by `affinity=client` routes: it hashes a credential. */
function lazyClientKey(conversation: RouteConversation, clientKey: (() => string | undefined) | undefined): RouteConversation {
  if (clientKey === undefined) return conversation;
  let known = false;
  let key: string | undefined;
  return Object.defineProperty(conversation, "clientKey", {
    enumerable: true,
    get: () => {
      if (!known) {
        known = true;
        key = clientKey();
      }
      return key;
    },
  });
}

/**
 * A-leg/B-leg lineage over a store. Concurrent requests of one A-leg share one in-memory
 * record, so B-leg numbers never repeat; writes go to the store in the background and a store
 * failure is logged, never turned into a failed request. A store that answers at once (memory,
 * SQLite) is used without promises: a turn begins and ends synchronously.
 */
export class Continuity {
  private readonly active = new Map<string, Active>();
  private readonly loading = new Map<string, Promise<Active>>();

  constructor(
    readonly store: ContinuityStore,
    private readonly log: Logger,
  ) {}

  private writeFailed(what: string, thrown: unknown): void {
    this.log("warn", "continuity store write failed", { what, store: this.store.kind, error: String(thrown) });
  }

  private write(what: string, put: () => MaybePromise<void>): void {
    try {
      const result = put();
      if (result instanceof Promise) result.catch((thrown) => this.writeFailed(what, thrown));
    } catch (thrown) {
      this.writeFailed(what, thrown);
    }
  }

  private activate(id: string, identity: ALegRecord["identity"], stored: ALegRecord | undefined): Active {
    const now = Date.now();
    const active = { leg: stored ?? { id, createdAt: now, updatedAt: now, identity, turns: 0, attempts: 0, routeState: {} }, refs: 0 };
    this.active.set(id, active);
    return active;
  }

  private readFailed(thrown: unknown): undefined {
    this.log("warn", "continuity store read failed", { store: this.store.kind, error: String(thrown) });
    return undefined;
  }

  private acquire(id: string, identity: ALegRecord["identity"]): Active | Promise<Active> {
    const current = this.active.get(id);
    if (current) {
      current.refs++;
      return current;
    }
    let load = this.loading.get(id);
    if (!load) {
      let stored: MaybePromise<ALegRecord | undefined>;
      try {
        stored = this.store.getALeg(id);
      } catch (thrown) {
        stored = this.readFailed(thrown);
      }
      if (!(stored instanceof Promise)) {
        const active = this.activate(id, identity, stored);
        active.refs++;
        return active;
      }
      load = stored.then(
        (record) => this.activate(id, identity, record),
        (thrown) => this.activate(id, identity, this.readFailed(thrown)),
      );
      this.loading.set(id, load);
      void load.finally(() => this.loading.delete(id));
    }
    return load.then((active) => {
      active.refs++;
      return active;
    });
  }

  /**
   * `clientScope` separates fingerprinted conversations of different clients (see identifyALeg).
   * Answers at once when the A-leg is live or the store answers at once.
   */
  beginTurn(headers: Headers, call: CanonicalCall, clientKey?: () => string | undefined, clientScope?: string): Turn | Promise<Turn> {
    const { id, identity } = identifyALeg(headers, call, clientScope);
    const acquired = this.acquire(id, identity);
    return acquired instanceof Promise ? acquired.then((active) => this.turn(id, identity, active, call, clientKey)) : this.turn(id, identity, acquired, call, clientKey);
  }

  private turn(id: string, identity: ALegRecord["identity"], active: Active, call: CanonicalCall, clientKey: (() => string | undefined) | undefined): Turn {
    const { leg } = active;
    const opening = startsConversation(call);
    const firstTurn = opening && (identity === "fingerprint" || identity === "fresh" || leg.turns === 0);
    leg.updatedAt = Date.now();
    this.write("a_leg", () => this.store.putALeg(leg));
    let ended = false;
    return {
      aLegId: id,
      conversation: lazyClientKey({ aLegId: id, firstTurn, routeState: leg.routeState }, clientKey),
      nextSeq: () => ++leg.attempts,
      sink: {
        update: (record: AttemptRecord) => {
          if (record.outcome === "success") leg.turns++;
          this.write("attempt", () => this.store.putAttempt(record));
        },
      },
      end: () => {
        if (ended) return;
        ended = true;
        leg.updatedAt = Date.now();
        this.write("a_leg", () => this.store.putALeg(leg));
        if (--active.refs <= 0) this.active.delete(id);
      },
    };
  }

  async attempts(aLegId: string, limit = 200): Promise<AttemptRecord[]> {
    return this.store.listAttempts(aLegId, limit);
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}

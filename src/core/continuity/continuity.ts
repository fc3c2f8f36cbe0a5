import type { Logger } from "../codec.ts";
import type { AttemptRecord, AttemptSink } from "../executor/types.ts";
import type { CanonicalCall } from "../model/call.ts";
import type { RouteConversation } from "../routing/route-walker.ts";
import { identifyALeg, startsConversation } from "./a-leg-identity.ts";
import type { ALegRecord, ContinuityStore } from "./types.ts";

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

/**
 * A-leg/B-leg lineage over a store. Concurrent requests of one A-leg share one in-memory
 * record, so B-leg numbers never repeat; writes go to the store in the background and a store
 * failure is logged, never turned into a failed request.
 */
export class Continuity {
  private readonly active = new Map<string, Active>();
  private readonly loading = new Map<string, Promise<Active>>();

  constructor(
    readonly store: ContinuityStore,
    private readonly log: Logger,
  ) {}

  private write(what: string, promise: Promise<void>): void {
    promise.catch((thrown) => this.log("warn", "continuity store write failed", { what, store: this.store.kind, error: String(thrown) }));
  }

  private async acquire(id: string, identity: ALegRecord["identity"]): Promise<Active> {
    const current = this.active.get(id);
    if (current) {
      current.refs++;
      return current;
    }
    let load = this.loading.get(id);
    if (!load) {
      load = (async () => {
        let stored: ALegRecord | undefined;
        try {
          stored = await this.store.getALeg(id);
        } catch (thrown) {
          this.log("warn", "continuity store read failed", { store: this.store.kind, error: String(thrown) });
        }
        const now = Date.now();
        const leg = stored ?? { id, createdAt: now, updatedAt: now, identity, turns: 0, attempts: 0, routeState: {} };
        const active = { leg, refs: 0 };
        this.active.set(id, active);
        return active;
      })();
      this.loading.set(id, load);
      void load.finally(() => this.loading.delete(id));
    }
    const active = await load;
    active.refs++;
    return active;
  }

  /** `clientScope` separates fingerprinted conversations of different clients (see identifyALeg). */
  async beginTurn(headers: Headers, call: CanonicalCall, clientKey?: string, clientScope?: string): Promise<Turn> {
    const { id, identity } = identifyALeg(headers, call, clientScope);
    const active = await this.acquire(id, identity);
    const { leg } = active;
    const opening = startsConversation(call);
    const firstTurn = opening && (identity === "fingerprint" || identity === "fresh" || leg.turns === 0);
    leg.updatedAt = Date.now();
    this.write("a_leg", this.store.putALeg(leg));
    let ended = false;
    return {
      aLegId: id,
      conversation: { aLegId: id, firstTurn, routeState: leg.routeState, ...(clientKey !== undefined && { clientKey }) },
      nextSeq: () => ++leg.attempts,
      sink: {
        update: (record: AttemptRecord) => {
          if (record.outcome === "success") leg.turns++;
          this.write("attempt", this.store.putAttempt(record));
        },
      },
      end: () => {
        if (ended) return;
        ended = true;
        leg.updatedAt = Date.now();
        this.write("a_leg", this.store.putALeg(leg));
        if (--active.refs <= 0) this.active.delete(id);
      },
    };
  }

  attempts(aLegId: string, limit = 200): Promise<AttemptRecord[]> {
    return this.store.listAttempts(aLegId, limit);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

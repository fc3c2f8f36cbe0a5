import type { AttemptRecord } from "../executor/types.ts";
import type { SelectorSource } from "./route-plan.ts";

/** One routing decision as diagnostics show it; `attempts` fills in as the request runs. */
export interface RouteDecision {
  at: number;
  aLegId: string;
  selector: string;
  source: SelectorSource;
  firstTurn: boolean;
  attempts: AttemptRecord[];
  /** `backend:model` that answered, once output committed. */
  committed?: string;
  /** Message of the error the client got before output, if any. */
  error?: string;
}

/** A fixed ring of the most recent routing decisions (newest last when listed oldest first). */
export class RouteTrace {
  private readonly ring: RouteDecision[] = [];
  private next = 0;

  constructor(private readonly capacity = 64) {}

  push(decision: RouteDecision): void {
    if (this.ring.length < this.capacity) this.ring.push(decision);
    else this.ring[this.next] = decision;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Newest first. */
  list(): RouteDecision[] {
    const ordered = this.ring.length < this.capacity ? [...this.ring] : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return ordered.reverse();
  }
}

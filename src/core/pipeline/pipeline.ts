import type { CanonicalCall } from "../model/call.ts";
import type { CanonicalEvent } from "../model/events.ts";
import { LipError } from "../model/errors.ts";
import type { CollectedResponse } from "../collect.ts";
import { type FailurePolicy, type StageName, stageDefinitions } from "./stages.ts";

/** What request-side handlers see and may change. */
export interface RequestContext {
  call: CanonicalCall;
  headers: Headers;
  dialect: string;
  /** A selector a route_hinting handler may set; it wins over the body model, below X-LIP-Route. */
  routeHint?: string;
  /** Per-request scratch space for features, keyed by feature name. */
  state: Map<string, unknown>;
  log: (level: "debug" | "info" | "warn" | "error", message: string, fields?: Record<string, unknown>) => void;
}

export interface AttemptInfo {
  backendId: string;
  model: string;
  attempt: number;
  phase: "start" | "end";
  outcome?: string;
}

/** Event handlers return the event unchanged (`undefined`), a replacement list, or `null` to drop it. */
export type EventHandler = (event: CanonicalEvent, context: RequestContext) => CanonicalEvent | CanonicalEvent[] | null | undefined;

export interface StageHandlers {
  transport_authentication: (context: RequestContext) => void | Promise<void>;
  session_open: (context: RequestContext) => void | Promise<void>;
  secret_guard: (context: RequestContext) => void | Promise<void>;
  submit_request: (context: RequestContext) => void | Promise<void>;
  tool_catalog_filter: (context: RequestContext) => void | Promise<void>;
  request_wide_shaping: (context: RequestContext) => void | Promise<void>;
  pre_request_admission: (context: RequestContext) => void | Promise<void>;
  route_hinting: (context: RequestContext) => void | Promise<void>;
  /** Receives a copy of the call for one candidate; returns the call to send (or nothing to keep it). */
  candidate_attempt_transform: (call: CanonicalCall, attempt: AttemptInfo, context: RequestContext) => CanonicalCall | void;
  attempt_lifecycle: (attempt: AttemptInfo, context: RequestContext) => void;
  stream_event_mutation: EventHandler;
  tool_event_reaction: EventHandler;
  completion_gating: EventHandler;
  final_stream_observation: (response: CollectedResponse, context: RequestContext) => void;
  traffic_observation: (response: CollectedResponse, context: RequestContext) => void;
  egress_encoding: (chunk: Uint8Array, context: RequestContext) => Uint8Array;
}

export interface Feature {
  name: string;
  handlers: Partial<StageHandlers>;
  /** Override a stage's default policy for this feature's handlers. */
  policies?: Partial<Record<StageName, FailurePolicy>>;
}

interface Registered<S extends StageName> {
  feature: string;
  policy: FailurePolicy;
  handler: StageHandlers[S];
}

type Table = { [S in StageName]: Array<Registered<S>> };

function emptyTable(): Table {
  const table = {} as Record<StageName, unknown[]>;
  for (const stage of stageDefinitions) table[stage.name] = [];
  return table as Table;
}

/**
 * The compiled pipeline for one server: handlers per stage in feature-registration order.
 * Stages without handlers are skipped by one length check per request, never per chunk.
 */
export class Pipeline {
  private readonly table: Table = emptyTable();
  readonly features: readonly string[];

  constructor(features: readonly Feature[]) {
    this.features = features.map((feature) => feature.name);
    for (const feature of features) {
      for (const stage of stageDefinitions) {
        const handler = feature.handlers[stage.name];
        if (!handler) continue;
        const policy = feature.policies?.[stage.name] ?? stage.policy;
        (this.table[stage.name] as Array<Registered<StageName>>).push({ feature: feature.name, policy, handler } as Registered<StageName>);
      }
    }
  }

  has(stage: StageName): boolean {
    return this.table[stage].length > 0;
  }

  /** True when any per-event stage has a handler: otherwise events flow untouched. */
  get mutatesEvents(): boolean {
    return this.has("stream_event_mutation") || this.has("tool_event_reaction") || this.has("completion_gating");
  }

  private failed(stage: StageName, entry: { feature: string; policy: FailurePolicy }, thrown: unknown, context: RequestContext): void {
    if (entry.policy === "closed") {
      if (thrown instanceof LipError) throw thrown;
      context.log("error", "hook failed (fail-closed)", { stage, feature: entry.feature, error: String(thrown) });
      throw new LipError("internal", "internal error", { recoverable: false, code: "hook_failed" });
    }
    context.log("warn", "hook failed (fail-open), skipped", { stage, feature: entry.feature, error: String(thrown) });
  }

  async runRequestStages(context: RequestContext): Promise<void> {
    for (const stage of requestStages) {
      for (const entry of this.table[stage]) {
        try {
          await entry.handler(context);
        } catch (thrown) {
          this.failed(stage, entry, thrown, context);
        }
      }
    }
  }

  transformAttempt(call: CanonicalCall, attempt: AttemptInfo, context: RequestContext): CanonicalCall {
    let current = call;
    for (const entry of this.table.candidate_attempt_transform) {
      try {
        current = entry.handler(current, attempt, context) ?? current;
      } catch (thrown) {
        this.failed("candidate_attempt_transform", entry, thrown, context);
      }
    }
    return current;
  }

  notifyAttempt(attempt: AttemptInfo, context: RequestContext): void {
    for (const entry of this.table.attempt_lifecycle) {
      try {
        entry.handler(attempt, context);
      } catch (thrown) {
        this.failed("attempt_lifecycle", entry, thrown, context);
      }
    }
  }

  /** Runs the event stages over one event; returns the events to emit in its place. */
  mapEvent(event: CanonicalEvent, context: RequestContext): CanonicalEvent[] {
    let events: CanonicalEvent[] = [event];
    for (const stage of eventStages) {
      const entries = this.table[stage];
      if (entries.length === 0) continue;
      if (stage === "tool_event_reaction" && !events.some(isToolEvent)) continue;
      if (stage === "completion_gating" && !events.some(isTerminal)) continue;
      for (const entry of entries) {
        const next: CanonicalEvent[] = [];
        for (const current of events) {
          let result: ReturnType<EventHandler>;
          try {
            result = entry.handler(current, context);
          } catch (thrown) {
            this.failed(stage, entry, thrown, context);
            result = undefined;
          }
          if (result === undefined) next.push(current);
          else if (result !== null) next.push(...(Array.isArray(result) ? result : [result]));
        }
        events = next;
      }
    }
    return events;
  }

  observeCompletion(response: CollectedResponse, context: RequestContext): void {
    for (const stage of completionStages) {
      for (const entry of this.table[stage]) {
        try {
          entry.handler(response, context);
        } catch (thrown) {
          this.failed(stage, entry, thrown, context);
        }
      }
    }
  }

  encodeEgress(chunk: Uint8Array, context: RequestContext): Uint8Array {
    let current = chunk;
    for (const entry of this.table.egress_encoding) {
      try {
        current = entry.handler(current, context);
      } catch (thrown) {
        this.failed("egress_encoding", entry, thrown, context);
      }
    }
    return current;
  }
}

const requestStages = [
  "transport_authentication",
  "session_open",
  "secret_guard",
  "submit_request",
  "tool_catalog_filter",
  "request_wide_shaping",
  "pre_request_admission",
  "route_hinting",
] as const;
const eventStages = ["stream_event_mutation", "tool_event_reaction", "completion_gating"] as const;
const completionStages = ["final_stream_observation", "traffic_observation"] as const;

function isToolEvent(event: CanonicalEvent): boolean {
  return event.type === "tool_call_started" || event.type === "tool_call_args_delta" || event.type === "tool_call_finished";
}

function isTerminal(event: CanonicalEvent): boolean {
  return event.type === "response_finished" || event.type === "error";
}

import type { CollectedResponse } from "./collect.ts";
import type { StoredConversation } from "./continuity/conversation-types.ts";
import type { CanonicalCall } from "./model/call.ts";
import type { CanonicalError } from "./model/errors.ts";
import type { CanonicalEvent } from "./model/events.ts";
import type { RequestLimits } from "./model/limits.ts";

/**
 * The two codec contracts. Frontends (client dialects) and backends (providers) implement
 * them; the core drives them without knowing which dialect or provider it holds.
 */

export interface Logger {
  (level: "debug" | "info" | "warn" | "error", message: string, fields?: Record<string, unknown>): void;
}

/** What a frontend knows about the incoming HTTP request besides the body. */
export interface InboundRequest {
  url: URL;
  headers: Headers;
  /** Named segments of the matched route pattern, e.g. `{ model }` for Gemini paths. */
  params: Record<string, string>;
  limits: RequestLimits;
  log: Logger;
  /** The client's IP address, when the server knows it. */
  peer?: string;
}

/** Turns canonical events into the dialect's stream bytes. Stateful, one per response. */
export interface StreamEncoder {
  readonly contentType: string;
  /** Bytes for one event; empty when the event has no wire form in this dialect. */
  encode(event: CanonicalEvent): Uint8Array | string;
  /** Bytes after the terminal event (e.g. `data: [DONE]`, or a JSON array's `]`). */
  end(): Uint8Array | string;
  /** A keepalive that clients ignore (an SSE comment, Anthropic `ping`). */
  keepalive(): Uint8Array | string;
  /**
   * The whole response as the stream rendered it (same ids), once the terminal event is encoded:
   * what a kept response shows on retrieval. Without it the server renders with `encodeResponse`.
   */
  finalResponse?(): unknown;
}

export interface EncodedError {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Server services a frontend's extra routes may use (listings, token counting). */
export interface FrontendServices {
  /** Every model routable right now, across enabled backends. */
  listModels(): ModelInfo[];
  /** Count input tokens of a call on the backend its model routes to (estimate when the backend cannot). */
  countTokens(call: CanonicalCall, headers: Headers): Promise<number>;
  /** A request's JSON body under the server's size, UTF-8 and nesting limits (400/413 as LipError). */
  readJsonBody(request: Request): Promise<unknown>;
  /** `call` with the kept conversation its `continuation.previousId` names inserted (404 when there is none). */
  continueCall(call: CanonicalCall, headers: Headers): Promise<CanonicalCall>;
  /** Kept responses (`continuity.stored_responses`); absent when keeping them is switched off. */
  storedResponses?: StoredResponses;
}

/** Kept responses as a dialect's by-id routes see them: only the client that stored one finds it. */
export interface StoredResponses {
  get(id: string, headers: Headers): Promise<StoredConversation | undefined>;
  /** True when a kept response was deleted. */
  delete(id: string, headers: Headers): Promise<boolean>;
}

/** A non-generating endpoint of a dialect (model listing, token counting, cancel, upgrade refusal). */
export interface FrontendRoute {
  method: "GET" | "POST" | "HEAD" | "DELETE";
  pattern: string;
  /** When two dialects share a path (GET /v1/models), the first route whose predicate holds wins. */
  when?(request: Request): boolean;
  handle(request: Request, inbound: InboundRequest, services: FrontendServices): Response | Promise<Response>;
}

export interface FrontendCodec {
  /** Stable dialect id: "openai-chat", "openai-responses", "anthropic", "gemini". */
  dialect: string;
  /** The POST routes that generate; `{name}` captures one path segment part (`/v1beta/models/{model}:generateContent`). */
  generateRoutes: readonly string[];
  decode(body: unknown, request: InboundRequest): CanonicalCall;
  encodeResponse(response: CollectedResponse, call: CanonicalCall): unknown;
  createStreamEncoder(call: CanonicalCall, request: InboundRequest): StreamEncoder;
  encodeError(error: CanonicalError): EncodedError;
  extraRoutes?: readonly FrontendRoute[];
}

/** One backend attempt's context. */
export interface AttemptContext {
  /** The provider model id to call. */
  model: string;
  signal: AbortSignal;
  aLegId: string;
  bLegId: string;
  /** Incoming client headers, for codecs that forward some (e.g. anthropic-beta). */
  clientHeaders: Headers;
  log: Logger;
}

export interface ModelInfo {
  id: string;
  backendId: string;
  /** What a client sends as `model` to reach it (filled in by the server's listing; default `backendId:id`). */
  selector?: string;
  contextWindow?: number;
  maxOutputTokens?: number;
}

export interface BackendInstance {
  readonly id: string;
  readonly kind: string;
  readonly defaultModel: string;
  /** Selector prefix clients write before `:` besides the id (config `backend_prefix`). */
  readonly prefix?: string;
  /** Whether a bare model name (no selector, no table entry) may auto-route here, e.g. `gpt-*`. */
  servesModel?(model: string): boolean;
  /** Models this instance serves (configured or known); used by listings and auto-selection. */
  models(): ModelInfo[];
  /**
   * Events of one attempt. Failures are thrown as LipError: before the first content event
   * they may be recoverable (failover); after it the executor surfaces them to the client.
   */
  stream(call: CanonicalCall, attempt: AttemptContext): AsyncIterable<CanonicalEvent>;
  /**
   * The same events as `stream`, grouped as they arrived (one array per upstream read), so the
   * hot path pays one async hop per read rather than one per event. Optional: the executor
   * falls back to `stream`. Events that precede a failure are yielded before it is thrown.
   */
  streamBatches?(call: CanonicalCall, attempt: AttemptContext): AsyncIterable<CanonicalEvent[]>;
  countTokens?(call: CanonicalCall, attempt: AttemptContext): Promise<number>;
  close?(): void | Promise<void>;
}

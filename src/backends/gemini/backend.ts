import type { BackendConfig } from "../../core/backend-kind.ts";
import type { AttemptContext, BackendInstance } from "../../core/codec.ts";
import type { CanonicalCall } from "../../core/model/call.ts";
import { LipError } from "../../core/model/errors.ts";
import type { CanonicalEvent } from "../../core/model/events.ts";
import { backendIdentity } from "../shared/backend-identity.ts";
import type { KeyPool } from "../shared/key-pool.ts";
import { keyedFetch } from "../shared/keyed-fetch.ts";
import { append, canonicalBatches, eachEvent } from "../shared/event-batches.ts";
import { parseEventData, sseBatches } from "../shared/sse-stream.ts";
import type { UpstreamHttp } from "../shared/upstream-http.ts";
import { keyRejected, retryDelayFromBody } from "./errors.ts";
import { geminiRequestBody, geminiRequestWarnings } from "./request.ts";
import { createGeminiStreamMapper } from "./stream.ts";
import type { ThinkingControl } from "./thinking.ts";
import type { GeminiResponse } from "./wire.ts";

export type GeminiMethod = "streamGenerateContent" | "countTokens";

/** A bearer-token provider (Vertex AI's OAuth2 credentials). */
export interface BearerAuth {
  token(signal: AbortSignal): Promise<string>;
  invalidate(rejected: string): void;
  readonly extraHeaders: Record<string, string>;
}

/** What differs between the Gemini API and Vertex AI: where to send, how to authenticate. */
export interface GeminiEndpoint {
  url(model: string, method: GeminiMethod): string;
  auth: { pool: KeyPool } | { bearer: BearerAuth };
  /** The countTokens body around a generateContent body (the two APIs wrap it differently). */
  countTokensBody(request: Record<string, unknown>, model: string): Record<string, unknown>;
}

export const defaultGeminiModel = "gemini-2.5-flash";

interface GeminiSettings {
  id: string;
  http: UpstreamHttp;
  thinkingControl: ThinkingControl;
  endpoint: GeminiEndpoint;
}

const jsonHeaders = { "content-type": "application/json" };

async function post(settings: GeminiSettings, url: string, body: string, signal: AbortSignal): Promise<Response> {
  const auth = settings.endpoint.auth;
  if ("pool" in auth) {
    return keyedFetch(settings.id, auth.pool, {
      url,
      body,
      signal,
      http: settings.http,
      headers: (key) => ({ ...jsonHeaders, ...(key !== undefined && { "x-goog-api-key": key }) }),
      retryDelayFromBody,
      keyRejected,
    });
  }
  // A bearer token can expire early or be revoked: after a 401 one fresh token is tried.
  for (let attempt = 0; ; attempt++) {
    const token = await auth.bearer.token(signal);
    try {
      return await keyedFetch(settings.id, undefined, {
        url,
        body,
        signal,
        http: settings.http,
        headers: () => ({ ...jsonHeaders, ...auth.bearer.extraHeaders, authorization: `Bearer ${token}` }),
        retryDelayFromBody,
      });
    } catch (thrown) {
      if (!(thrown instanceof LipError) || thrown.error.code !== "upstream_401") throw thrown;
      // Our credentials, not the client's: like a pool with no key left, another backend may serve.
      if (attempt > 0) throw new LipError("authentication", thrown.error.message, { ...thrown.error, status: 503, recoverable: true });
      auth.bearer.invalidate(token);
    }
  }
}

function asChunk(value: unknown, backendId: string): GeminiResponse {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as GeminiResponse;
  throw new LipError("upstream", `upstream ${backendId} sent a stream chunk that is not a JSON object`, { code: "malformed_stream" });
}

/** Chunks of a body that is not SSE: the JSON-array transport (no `alt=sse`), or one response. */
async function jsonChunks(response: Response, backendId: string, http: UpstreamHttp, signal: AbortSignal): Promise<GeminiResponse[]> {
  let text: string;
  try {
    text = await response.text();
  } catch (thrown) {
    const cause = http.bodyFailure(backendId, signal);
    if (cause) throw cause;
    const detail = thrown instanceof Error ? thrown.message : String(thrown);
    throw new LipError("upstream", `upstream ${backendId} stream broke: ${detail}`, { code: "stream_broken" });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new LipError("upstream", `upstream ${backendId} sent malformed JSON`, { code: "malformed_stream" });
  }
  return (Array.isArray(parsed) ? parsed : [parsed]).map((chunk) => asChunk(chunk, backendId));
}

async function* geminiBatches(settings: GeminiSettings, call: CanonicalCall, attempt: AttemptContext): AsyncGenerator<CanonicalEvent[]> {
  const body = JSON.stringify(geminiRequestBody(call, attempt.model, settings.thinkingControl));
  const signal = settings.http.attemptSignal(attempt.signal);
  const response = await post(settings, settings.endpoint.url(attempt.model, "streamGenerateContent"), body, signal);
  if (!response.body) throw new LipError("upstream", `upstream ${settings.id} sent no body`);
  const mapper = createGeminiStreamMapper(settings.id, attempt.model, geminiRequestWarnings(call, attempt.model, settings.thinkingControl));
  if ((response.headers.get("content-type") ?? "").includes("text/event-stream")) {
    yield* canonicalBatches(
      sseBatches(response.body, settings.id, { http: settings.http, signal }),
      (event, out) => {
        if (event.data.trim() !== "") append(out, mapper.map(asChunk(parseEventData(event.data, settings.id), settings.id)));
        return false;
      },
      (out) => append(out, mapper.end()),
    );
    return;
  }
  // A whole JSON answer is one read; what was mapped before a fault still goes out first.
  const events: CanonicalEvent[] = [];
  try {
    for (const chunk of await jsonChunks(response, settings.id, settings.http, signal)) append(events, mapper.map(chunk));
    append(events, mapper.end());
  } catch (thrown) {
    if (events.length > 0) yield events;
    throw thrown;
  }
  if (events.length > 0) yield events;
}

async function countTokens(settings: GeminiSettings, call: CanonicalCall, attempt: AttemptContext): Promise<number> {
  const request = geminiRequestBody(call, attempt.model, settings.thinkingControl);
  const body = JSON.stringify(settings.endpoint.countTokensBody(request, attempt.model));
  const response = await post(settings, settings.endpoint.url(attempt.model, "countTokens"), body, settings.http.attemptSignal(attempt.signal));
  const json = (await response.json().catch(() => ({}))) as { totalTokens?: unknown };
  if (typeof json.totalTokens !== "number") throw new LipError("upstream", `upstream ${settings.id} countTokens answered without totalTokens`);
  return json.totalTokens;
}

/** One Gemini-speaking backend instance; the Gemini API and Vertex AI differ only in `endpoint`. */
export function createGeminiInstance(config: BackendConfig, kind: string, http: UpstreamHttp, endpoint: GeminiEndpoint): BackendInstance {
  const settings: GeminiSettings = { id: config.id, http, thinkingControl: (config.thinking_control as ThinkingControl | undefined) ?? "auto", endpoint };
  return {
    ...backendIdentity(config, { kind, defaultModel: defaultGeminiModel, family: "gemini" }),
    stream: (call, attempt) => eachEvent(geminiBatches(settings, call, attempt)),
    streamBatches: (call, attempt) => geminiBatches(settings, call, attempt),
    countTokens: (call, attempt) => countTokens(settings, call, attempt),
  };
}

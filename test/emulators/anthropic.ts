/**
 * Anthropic Messages emulator (`POST …/v1/messages`, `…/v1/messages/count_tokens`): named SSE
 * events (`message_start`, `ping`, `content_block_start|delta|stop`, `message_delta`,
 * `message_stop`, `event: error`), thinking with `signature_delta`, redacted thinking, parallel
 * `tool_use` with `input_json_delta`, usage with cache fields; the JSON `message` form; error
 * bodies `{"type":"error","error":{type,message}}`. Like the real API it rejects a request
 * without a key, without `anthropic-version` or `max_tokens`, and (from version 2026-10-21) any
 * sampling parameter. Shared shape: see README.md and harness.ts.
 *
 * Turn fields as Anthropic renders them: `reasoning.text` + `signature` → a thinking block,
 * `reasoning.encrypted` → a redacted_thinking block; `usage.input` is the whole prompt, so the
 * wire `input_tokens` is input − cached − `anthropic.cacheWrite` (Anthropic excludes the cache).
 */
import {
  deltasOf,
  type Emulator,
  type EmulatorOptions,
  type ErrorReply,
  finishOf,
  joined,
  type RecordedRequest,
  type StreamFaults,
  startWireEmulator,
  type Turn,
  type WireFormat,
} from "./harness.ts";

export type { Emulator, RecordedRequest } from "./harness.ts";

export interface AnthropicTurn extends Turn {
  anthropic?: {
    /** Raw stop_reason, instead of the one `finish` implies (pause_turn, refusal, model_context_window_exceeded…). */
    stopReason?: string;
    stopSequence?: string;
    /** cache_creation_input_tokens (`usage.cached` is the cache read). */
    cacheWrite?: number;
    /** Blocks sent whole after the reasoning (start + stop), e.g. `server_tool_use`, to prove they are skipped. */
    blocks?: Array<Record<string, unknown>>;
  };
}

export type AnthropicStep = ({ reply: AnthropicTurn } & StreamFaults) | { error: ErrorReply; headersDelayMs?: number };

export interface AnthropicEmulatorOptions extends EmulatorOptions {
  script: readonly AnthropicStep[] | ((request: RecordedRequest, index: number) => AnthropicStep);
  /** Path prefix before `/v1/messages` (default none; Microsoft Foundry: `/anthropic`). */
  basePath?: string;
  /** False for a keyless compatible server. Default true. */
  requireKey?: boolean;
  /** Answer with one JSON message even when a stream is asked for, as some compatible servers do. */
  ignoreStream?: boolean;
}

const typeForStatus: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
};

const stopReasons: Record<NonNullable<Turn["finish"]>, string> = { stop: "end_turn", length: "max_tokens", tool_calls: "tool_use", content_filter: "refusal" };

const event = (name: string, data: unknown): string => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

function wireUsage(turn: AnthropicTurn, outputTokens?: number): Record<string, number> {
  const { input = 25, output = 12, cached = 0 } = turn.usage ?? {};
  const cacheWrite = turn.anthropic?.cacheWrite ?? 0;
  return {
    input_tokens: Math.max(0, input - cached - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cached,
    output_tokens: outputTokens ?? output,
  };
}

function stopOf(turn: AnthropicTurn): { stop_reason: string; stop_sequence: string | null } {
  return { stop_reason: turn.anthropic?.stopReason ?? stopReasons[finishOf(turn)], stop_sequence: turn.anthropic?.stopSequence ?? null };
}

function toolId(id: string | undefined, index: number): string {
  return id ?? `toolu_emulated_${index + 1}`;
}

/** The turn's content blocks in Anthropic order: thinking, redacted thinking, extra blocks, text, tool_use. */
function blocksOf(turn: AnthropicTurn): Array<Record<string, unknown>> {
  const blocks: Array<Record<string, unknown>> = [];
  const reasoning = turn.reasoning;
  if (reasoning?.text !== undefined || reasoning?.signature !== undefined) {
    blocks.push({ type: "thinking", thinking: joined(reasoning.text), signature: reasoning.signature ?? "emulated-signature" });
  }
  if (reasoning?.encrypted !== undefined) blocks.push({ type: "redacted_thinking", data: reasoning.encrypted });
  blocks.push(...(turn.anthropic?.blocks ?? []));
  if (turn.text !== undefined) blocks.push({ type: "text", text: joined(turn.text) });
  (turn.toolCalls ?? []).forEach((call, index) => {
    blocks.push({ type: "tool_use", id: toolId(call.id, index), name: call.name, input: JSON.parse(joined(call.arguments) || "{}") });
  });
  return blocks;
}

function streamFrames(turn: AnthropicTurn, request: RecordedRequest): { content: string[]; finish: string[] } {
  const message = { id: turn.id ?? "msg_emulated", type: "message", role: "assistant", model: turn.model ?? request.body?.model, content: [], stop_reason: null, stop_sequence: null };
  const content = [event("message_start", { type: "message_start", message: { ...message, usage: wireUsage(turn, 1) } }), event("ping", { type: "ping" })];
  let index = 0;
  const block = (start: Record<string, unknown>, deltas: Array<Record<string, unknown>>) => {
    content.push(event("content_block_start", { type: "content_block_start", index, content_block: start }));
    for (const delta of deltas) content.push(event("content_block_delta", { type: "content_block_delta", index, delta }));
    content.push(event("content_block_stop", { type: "content_block_stop", index }));
    index++;
  };
  const reasoning = turn.reasoning;
  if (reasoning?.text !== undefined || reasoning?.signature !== undefined) {
    const thinking = deltasOf(reasoning.text).map((piece) => ({ type: "thinking_delta", thinking: piece }));
    block({ type: "thinking", thinking: "", signature: "" }, [...thinking, { type: "signature_delta", signature: reasoning.signature ?? "emulated-signature" }]);
  }
  if (reasoning?.encrypted !== undefined) block({ type: "redacted_thinking", data: reasoning.encrypted }, []);
  for (const extra of turn.anthropic?.blocks ?? []) block(extra, []);
  if (turn.text !== undefined) block({ type: "text", text: "" }, deltasOf(turn.text).map((text) => ({ type: "text_delta", text })));
  (turn.toolCalls ?? []).forEach((call, position) => {
    const pieces = deltasOf(call.arguments).map((partial_json) => ({ type: "input_json_delta", partial_json }));
    block({ type: "tool_use", id: toolId(call.id, position), name: call.name, input: {} }, [{ type: "input_json_delta", partial_json: "" }, ...pieces]);
  });
  const finish = [event("message_delta", { type: "message_delta", delta: stopOf(turn), usage: wireUsage(turn) }), event("message_stop", { type: "message_stop" })];
  return { content, finish };
}

function anthropicWire(basePath: string, ignoreStream: boolean): WireFormat {
  const messages = `${basePath}/v1/messages`;
  return {
    basePath,
    accepts: (method, path) => method === "POST" && (path === messages || path === `${messages}/count_tokens`),
    wantsStream: (request) => !ignoreStream && request.body?.stream === true && !request.path.endsWith("/count_tokens"),
    streamFrames: (turn, request) => streamFrames(turn, request),
    streamErrorFrames: (error) => [event("error", { type: "error", error: { type: error.variant ?? "overloaded_error", message: error.message } })],
    malformedFrame: () => 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{\n\n',
    json(turn: AnthropicTurn, request) {
      if (request.path.endsWith("/count_tokens")) return { input_tokens: turn.usage?.input ?? Math.ceil(JSON.stringify(request.body?.messages ?? []).length / 4) };
      return { id: turn.id ?? "msg_emulated", type: "message", role: "assistant", model: turn.model ?? request.body?.model, content: blocksOf(turn), ...stopOf(turn), usage: wireUsage(turn) };
    },
    errorBody(error) {
      // The harness rejects revoked keys with an OpenAI-flavoured type; Anthropic's 401 is always authentication_error.
      const type = error.status === 401 || error.status === 404 ? typeForStatus[error.status] : (error.type ?? typeForStatus[error.status] ?? "api_error");
      return { type: "error", error: { type, message: error.message ?? `emulated ${error.status}` }, request_id: "req_emulated" };
    },
  };
}

/** The checks the real API makes before any model work, so a codec bug fails as it would upstream. */
function rejection(request: RecordedRequest, requireKey: boolean): ErrorReply | undefined {
  if (requireKey && !request.key) return { status: 401, message: "x-api-key header is required" };
  const version = request.headers["anthropic-version"];
  if (!version) return { status: 400, message: "anthropic-version: header is required" };
  const body = request.body as Record<string, unknown> | undefined;
  if (!body || typeof body.model !== "string") return { status: 400, message: "model: Field required" };
  if (!Array.isArray(body.messages)) return { status: 400, message: "messages: Field required" };
  if (!request.path.endsWith("/count_tokens") && typeof body.max_tokens !== "number") return { status: 400, message: "max_tokens: Field required" };
  // API version 2026-10-21 removed the sampling parameters: any value is a 400.
  for (const field of ["temperature", "top_p", "top_k"]) {
    if (version >= "2026-10-21" && field in body) return { status: 400, message: `${field}: Extra inputs are not permitted` };
  }
  return undefined;
}

/** Starts an Anthropic Messages emulator; `url` is the SDK-style base URL (`/v1/messages` is below it). */
export function startEmulator(options: AnthropicEmulatorOptions): Emulator {
  const script = options.script;
  let accepted = 0;
  return startWireEmulator(anthropicWire(options.basePath ?? "", options.ignoreStream === true), {
    ...options,
    // Rejected requests answer without consuming a script step, so scripts count accepted requests only.
    script: (request) => {
      const rejected = rejection(request, options.requireKey !== false);
      if (rejected) return { error: rejected };
      const index = accepted++;
      if (typeof script === "function") return script(request, index);
      const step = script[Math.min(index, script.length - 1)];
      if (!step) throw new Error("emulator: empty script");
      return step;
    },
  });
}

/** A turn as the SSE frames and as the JSON message the emulator would send (for codec unit tests). */
export function renderTurn(turn: AnthropicTurn, model: string): { frames: string[]; message: unknown } {
  const request = { body: { model }, path: "/v1/messages" } as RecordedRequest;
  const { content, finish } = streamFrames(turn, request);
  return { frames: [...content, ...finish], message: anthropicWire("", false).json(turn, request) };
}

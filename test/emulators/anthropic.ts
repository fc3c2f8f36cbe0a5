/**
 * An in-process Anthropic Messages API on loopback: the real wire format (SSE events and JSON
 * messages, error bodies, headers) with scripted failures. Each request takes the next script
 * step (the last one repeats); a function script decides per request.
 *
 *   const emulator = await startAnthropicEmulator({ script: [{ reply: "message", content: [{ type: "text", text: "hi" }] }] });
 *   … base_url: emulator.url …
 *   emulator.requests[0].body / .headers / .aborted
 *   await emulator.stop();
 */
import { recordRequest, type RecordedRequest } from "./recorded-request.ts";

export type { RecordedRequest } from "./recorded-request.ts";

export type EmulatedBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> }
  /** Blocks the canonical model cannot carry (server tools), to prove they are skipped. */
  | { type: "server_tool_use"; id: string; name: string; input: Record<string, unknown> };

export interface EmulatedUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

/** Where a streamed reply breaks, after `afterEvents` complete events. */
export interface StreamFailure {
  afterEvents: number;
  /**
   * error_event: `event: error`; malformed: non-JSON data; cut: half an event, then the connection
   * closes; close: the connection closes between two events. (A TCP reset is not offered:
   * Bun.serve logs every errored body stream to the console.)
   */
  mode: "error_event" | "malformed" | "cut" | "close";
  errorType?: string;
  message?: string;
}

export interface MessageStep {
  reply: "message";
  content?: EmulatedBlock[];
  /** Default: tool_use when a tool_use block is present, else end_turn. */
  stopReason?: string;
  stopSequence?: string;
  usage?: Partial<EmulatedUsage>;
  id?: string;
  /** Default: the request's model. */
  model?: string;
  /** Characters per text/thinking delta and per input_json_delta (default 8). */
  chunkSize?: number;
  /** A `ping` event after every N events (default: one ping after message_start). */
  pingEvery?: number;
  /** Delay before the response head is sent: a slow first byte. */
  firstByteDelayMs?: number;
  /** Delay between events. */
  eventDelayMs?: number;
  fail?: StreamFailure;
  /** Answer with one JSON message even when a stream was asked for (as some compatible servers do). */
  ignoreStream?: boolean;
}

export interface ErrorStep {
  reply: "error";
  status: number;
  /** Anthropic error type; default from the status. */
  type?: string;
  message?: string;
  headers?: Record<string, string>;
  firstByteDelayMs?: number;
}

export type AnthropicStep = MessageStep | ErrorStep;

export interface AnthropicEmulatorOptions {
  script: AnthropicStep[] | ((request: RecordedRequest, index: number) => AnthropicStep);
  /** Accepted keys (x-api-key, api-key or Bearer); others get a real 401. Default: any non-empty key. */
  apiKeys?: string[];
  /** False for a keyless compatible server. Default true. */
  requireKey?: boolean;
  /** Path prefix before `/v1/messages`, e.g. "/anthropic" as on Microsoft Foundry. */
  basePath?: string;
}

export interface AnthropicEmulator {
  url: string;
  requests: RecordedRequest[];
  stop(): Promise<void>;
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

function errorResponse(status: number, type: string | undefined, message: string, headers: Record<string, string> = {}): Response {
  const errorType = type ?? typeForStatus[status] ?? "api_error";
  return Response.json({ type: "error", error: { type: errorType, message }, request_id: "req_emulated" }, { status, headers: { "request-id": "req_emulated", ...headers } });
}

function chunks(text: string, size: number): string[] {
  const characters = Array.from(text);
  const pieces: string[] = [];
  for (let i = 0; i < characters.length; i += size) pieces.push(characters.slice(i, i + size).join(""));
  return pieces;
}

function usageOf(step: MessageStep): EmulatedUsage {
  return { input_tokens: 25, output_tokens: 12, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, ...step.usage };
}

function stopReasonOf(step: MessageStep): string {
  return step.stopReason ?? (step.content?.some((block) => block.type === "tool_use") ? "tool_use" : "end_turn");
}

/** The non-streamed answer: one `message` object. */
export function messageJson(step: MessageStep, model: string): Record<string, unknown> {
  return {
    id: step.id ?? "msg_emulated",
    type: "message",
    role: "assistant",
    model: step.model ?? model,
    content: step.content ?? [],
    stop_reason: stopReasonOf(step),
    stop_sequence: step.stopSequence ?? null,
    usage: usageOf(step),
  };
}

/** The streamed answer as [event name, data] pairs, exactly as the Messages API orders them. */
export function messageEvents(step: MessageStep, model: string): Array<[string, Record<string, unknown>]> {
  const size = step.chunkSize ?? 8;
  const usage = usageOf(step);
  const events: Array<[string, Record<string, unknown>]> = [];
  const message = { ...messageJson(step, model), content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } };
  events.push(["message_start", { type: "message_start", message }]);
  (step.content ?? []).forEach((block, index) => {
    const delta = (value: Record<string, unknown>) => events.push(["content_block_delta", { type: "content_block_delta", index, delta: value }]);
    switch (block.type) {
      case "text":
        events.push(["content_block_start", { type: "content_block_start", index, content_block: { type: "text", text: "" } }]);
        for (const text of chunks(block.text, size)) delta({ type: "text_delta", text });
        break;
      case "thinking":
        events.push(["content_block_start", { type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } }]);
        for (const thinking of chunks(block.thinking, size)) delta({ type: "thinking_delta", thinking });
        delta({ type: "signature_delta", signature: block.signature });
        break;
      case "redacted_thinking":
        events.push(["content_block_start", { type: "content_block_start", index, content_block: block }]);
        break;
      case "tool_use":
      case "server_tool_use":
        events.push(["content_block_start", { type: "content_block_start", index, content_block: { ...block, input: {} } }]);
        delta({ type: "input_json_delta", partial_json: "" });
        for (const partial_json of chunks(JSON.stringify(block.input), size)) delta({ type: "input_json_delta", partial_json });
        break;
      default: {
        const exhaustive: never = block;
        throw new Error(`unknown block ${JSON.stringify(exhaustive)}`);
      }
    }
    events.push(["content_block_stop", { type: "content_block_stop", index }]);
  });
  events.push(["message_delta", { type: "message_delta", delta: { stop_reason: stopReasonOf(step), stop_sequence: step.stopSequence ?? null }, usage }]);
  events.push(["message_stop", { type: "message_stop" }]);
  if (step.pingEvery && step.pingEvery > 0) {
    for (let i = step.pingEvery; i < events.length; i += step.pingEvery + 1) events.splice(i, 0, ["ping", { type: "ping" }]);
  } else {
    events.splice(1, 0, ["ping", { type: "ping" }]);
  }
  return events;
}

const sse = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });
}

function streamResponse(step: MessageStep, model: string, recorded: RecordedRequest, signal: AbortSignal): Response {
  const events = messageEvents(step, model);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (let i = 0; i < events.length; i++) {
        if (signal.aborted || recorded.aborted) return;
        const failure = step.fail;
        if (failure && i === failure.afterEvents) {
          switch (failure.mode) {
            case "error_event":
              controller.enqueue(encoder.encode(sse("error", { type: "error", error: { type: failure.errorType ?? "overloaded_error", message: failure.message ?? "Overloaded" } })));
              break;
            case "malformed":
              controller.enqueue(encoder.encode(`event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta",\n\n`));
              break;
            case "cut": {
              const [name, data] = events[i]!;
              const whole = sse(name, data);
              controller.enqueue(encoder.encode(whole.slice(0, Math.floor(whole.length / 2))));
              break;
            }
            case "close":
              break;
          }
          controller.close();
          return;
        }
        if (i > 0) await sleep(step.eventDelayMs ?? 0, signal);
        const [name, data] = events[i]!;
        controller.enqueue(encoder.encode(sse(name, data)));
      }
      controller.close();
    },
    cancel() {
      recorded.aborted = true;
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "request-id": "req_emulated" } });
}

/** The key a request carried: `x-api-key` wins over `Authorization: Bearer` (as upstream), then Azure's `api-key`. */
export function requestKey(recorded: RecordedRequest): string | undefined {
  const headers = recorded.headers;
  return headers["x-api-key"] ?? headers.authorization?.replace(/^Bearer\s+/i, "") ?? headers["api-key"];
}

/** The checks the real API makes before any model work, so a codec bug fails like it would upstream. */
function precheck(recorded: RecordedRequest, request: Request, options: AnthropicEmulatorOptions): Response | undefined {
  const key = requestKey(recorded);
  const keyRequired = options.requireKey !== false;
  if (keyRequired && (!key || (options.apiKeys && !options.apiKeys.includes(key)))) return errorResponse(401, undefined, "invalid x-api-key");
  const version = request.headers.get("anthropic-version");
  if (!version) return errorResponse(400, undefined, "anthropic-version: header is required");
  const body = recorded.body as Record<string, unknown> | undefined;
  if (!body || typeof body.model !== "string") return errorResponse(400, undefined, "model: Field required");
  if (!Array.isArray(body.messages)) return errorResponse(400, undefined, "messages: Field required");
  if (recorded.path.endsWith("/messages") && typeof body.max_tokens !== "number") return errorResponse(400, undefined, "max_tokens: Field required");
  // API version 2026-10-21 removed the sampling parameters: any value is a 400.
  for (const field of ["temperature", "top_p", "top_k"]) {
    if (version >= "2026-10-21" && field in body) return errorResponse(400, undefined, `${field}: Extra inputs are not permitted`);
  }
  return undefined;
}

export async function startAnthropicEmulator(options: AnthropicEmulatorOptions): Promise<AnthropicEmulator> {
  const requests: RecordedRequest[] = [];
  const stepFor = (recorded: RecordedRequest, index: number): AnthropicStep => {
    if (typeof options.script === "function") return options.script(recorded, index);
    const step = options.script[Math.min(index, options.script.length - 1)];
    if (!step) throw new Error("empty emulator script");
    return step;
  };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 30,
    async fetch(request) {
      const recorded = await recordRequest(request);
      const index = requests.length;
      requests.push(recorded);
      request.signal.addEventListener("abort", () => (recorded.aborted = true), { once: true });
      const base = options.basePath ?? "";
      const counting = recorded.path === `${base}/v1/messages/count_tokens`;
      if (request.method !== "POST" || (recorded.path !== `${base}/v1/messages` && !counting)) return errorResponse(404, undefined, `Not found: ${recorded.path}`);
      const rejected = precheck(recorded, request, options);
      if (rejected) return rejected;
      const step = stepFor(recorded, index);
      if (step.firstByteDelayMs) await sleep(step.firstByteDelayMs, request.signal);
      if (step.reply === "error") return errorResponse(step.status, step.type, step.message ?? `emulated ${step.status}`, step.headers);
      const body = recorded.body as { model: string; stream?: boolean; messages: unknown[] };
      if (counting) return Response.json({ input_tokens: step.usage?.input_tokens ?? Math.ceil(JSON.stringify(body.messages).length / 4) });
      if (body.stream === true && !step.ignoreStream) return streamResponse(step, body.model, recorded, request.signal);
      return Response.json(messageJson(step, body.model), { headers: { "request-id": "req_emulated" } });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    async stop() {
      await server.stop(true);
    },
  };
}

/**
 * The shared shape of every provider emulator: an in-process Bun.serve on 127.0.0.1:0 that
 * answers from a per-test script, records what it received, and can misbehave on purpose.
 * A provider module supplies only its wire format (a `WireFormat`); see README.md.
 */

/** What the emulator received, for request-body and header assertions. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON body (undefined when the body was empty or not JSON). */
  body: any;
  rawBody: string;
  /** The credential carried: Bearer token, `api-key`, `x-api-key`, `x-goog-api-key` or `?key=`. */
  key?: string;
  /** Client socket port: two requests with the same port shared one keep-alive connection. */
  remotePort: number;
  /** True when the client went away before the response was complete. */
  aborted: boolean;
}

/** One model answer, provider-neutral; each wire format renders the fields its provider has. */
export interface Turn {
  /** Assistant text; an array gives the deltas one by one. */
  text?: string | string[];
  reasoning?: {
    /** Visible reasoning (Chat `reasoning_content`, Anthropic thinking, Gemini thought parts). */
    text?: string | string[];
    /** Responses reasoning summary parts. */
    summary?: string[];
    /** Responses `encrypted_content`. */
    encrypted?: string;
    /** Anthropic thinking signature, Gemini thoughtSignature. */
    signature?: string;
  };
  /** Tool calls in order (parallel when more than one); `arguments` as an array streams in pieces. */
  toolCalls?: Array<{ id?: string; name: string; arguments: string | string[] }>;
  usage?: { input: number; output: number; cached?: number; reasoning?: number };
  /** Default: "tool_calls" when there are tool calls, else "stop". */
  finish?: "stop" | "length" | "tool_calls" | "content_filter";
  model?: string;
  id?: string;
}

/** An HTTP error answer; the wire format renders the provider's error body unless `body` is given. */
export interface ErrorReply {
  status: number;
  message?: string;
  code?: string;
  type?: string;
  /** Retry-After header: a number of seconds or an HTTP date string. */
  retryAfter?: number | string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Ways a streamed answer can go wrong (all optional; none = a clean stream). */
export interface StreamFaults {
  /** Hold the response headers this long (slow first byte). */
  headersDelayMs?: number;
  /**
   * Send headers at once, then stay silent this long before the first frame. Bun flushes headers
   * only with body bytes, so an SSE comment line (`: emulator`) goes out with them.
   */
  firstChunkDelayMs?: number;
  /** Pause between frames. */
  chunkDelayMs?: number;
  /** Reset the connection after this many frames. */
  cutAfterFrames?: number;
  /** Insert a frame whose data is not JSON after this many frames. */
  malformedAfterFrames?: number;
  /** After this many frames send nothing more and never finish (idle upstream). */
  hangAfterFrames?: number;
  /** End the body cleanly right after the content, without the finish frames (a truncated stream). */
  dropFinish?: boolean;
  /** The provider's in-stream error after the content (instead of a normal finish). */
  streamError?: { message: string; code?: string; variant?: string };
}

export type Step = ({ reply: Turn } & StreamFaults) | { error: ErrorReply; headersDelayMs?: number };

/** An array is consumed one step per request, its last step repeating; a function decides per request. */
export type Script = readonly Step[] | ((request: RecordedRequest, index: number) => Step);

export interface EmulatorOptions {
  script: Script;
  /** Requests carrying one of these keys get 401 before the script runs (a revoked key). */
  rejectKeys?: readonly string[];
}

export interface Emulator {
  /** Base URL to put in a backend's `base_url`. */
  url: string;
  /** `http://127.0.0.1:PORT` without the API path. */
  origin: string;
  requests: RecordedRequest[];
  stop(): Promise<void>;
}

/** What a provider module supplies: routing, credentials and rendering of its wire format. */
export interface WireFormat {
  /** Path prefix of the API; `url` is origin + basePath. */
  basePath: string;
  /** Does this method + path generate (others get 404)? */
  accepts(method: string, path: string): boolean;
  /** Did the client ask for a stream? */
  wantsStream(request: RecordedRequest): boolean;
  /**
   * Complete SSE frames ("event: …\ndata: …\n\n") for a turn: `content` up to the last content
   * frame, `finish` after it (finish reason, usage, terminator), which a `streamError` replaces.
   */
  streamFrames(turn: Turn, request: RecordedRequest): { content: string[]; finish: string[] };
  /** Frame(s) of an in-stream error, sent in place of the finish frames. */
  streamErrorFrames(error: NonNullable<StreamFaults["streamError"]>, turn: Turn, request: RecordedRequest): string[];
  /** A frame whose data is broken JSON. */
  malformedFrame(): string;
  json(turn: Turn, request: RecordedRequest): unknown;
  errorBody(error: ErrorReply): unknown;
}

const encoder = new TextEncoder();

function credentialOf(headers: Headers, query: URLSearchParams): string | undefined {
  const bearer = headers.get("authorization")?.match(/^Bearer\s+(.+)$/i)?.[1];
  return bearer ?? headers.get("api-key") ?? headers.get("x-api-key") ?? headers.get("x-goog-api-key") ?? query.get("key") ?? undefined;
}

function errorResponse(format: WireFormat, error: ErrorReply): Response {
  const headers: Record<string, string> = { "content-type": "application/json", ...error.headers };
  if (error.retryAfter !== undefined) headers["retry-after"] = String(error.retryAfter);
  return new Response(JSON.stringify(error.body ?? format.errorBody(error)), { status: error.status, headers });
}

function sseResponse(body: string[], faults: StreamFaults, record: RecordedRequest, signal: AbortSignal): Response {
  let position = 0;
  let primed = false;
  let finished = false;
  signal.addEventListener("abort", () => {
    if (!finished) record.aborted = true;
  });
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!primed && faults.firstChunkDelayMs) {
        primed = true;
        controller.enqueue(encoder.encode(": emulator\n\n"));
        return;
      }
      if (position === 0 && faults.firstChunkDelayMs) await Bun.sleep(faults.firstChunkDelayMs);
      else if (position > 0 && faults.chunkDelayMs) await Bun.sleep(faults.chunkDelayMs);
      if (faults.cutAfterFrames !== undefined && position >= faults.cutAfterFrames) {
        finished = true;
        // Let the frames already queued reach the client first: a cut mid-body, not before headers.
        await Bun.sleep(20);
        controller.error(new Error("emulator: connection cut on purpose (expected in fault tests)"));
        return;
      }
      if (faults.hangAfterFrames !== undefined && position >= faults.hangAfterFrames) {
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
        controller.close();
        return;
      }
      const frame = body[position++];
      if (frame === undefined) {
        finished = true;
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(frame));
    },
  });
  return new Response(stream, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } });
}

function pickStep(script: Script, record: RecordedRequest, index: number): Step {
  if (typeof script === "function") return script(record, index);
  const steps = script as readonly Step[];
  const step = steps[Math.min(index, steps.length - 1)];
  if (!step) throw new Error("emulator: empty script");
  return step;
}

/** Starts an emulator of one wire format on 127.0.0.1:0. */
export function startWireEmulator(format: WireFormat, options: EmulatorOptions): Emulator {
  const requests: RecordedRequest[] = [];
  let generated = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(request, bunServer) {
      const url = new URL(request.url);
      const rawBody = await request.text();
      let body: unknown;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        body = undefined;
      }
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => (headers[name] = value));
      const record: RecordedRequest = {
        method: request.method,
        path: url.pathname,
        query: url.searchParams,
        headers,
        body,
        rawBody,
        remotePort: bunServer.requestIP(request)?.port ?? 0,
        aborted: false,
      };
      const key = credentialOf(request.headers, url.searchParams);
      if (key !== undefined) record.key = key;
      requests.push(record);
      if (!format.accepts(request.method, url.pathname)) {
        return errorResponse(format, { status: 404, message: `emulator: no route ${request.method} ${url.pathname}`, code: "not_found" });
      }
      if (key !== undefined && options.rejectKeys?.includes(key)) {
        return errorResponse(format, { status: 401, message: "Incorrect API key provided.", code: "invalid_api_key", type: "invalid_request_error" });
      }
      const step = pickStep(options.script, record, generated++);
      if (step.headersDelayMs) await Bun.sleep(step.headersDelayMs);
      if ("error" in step) return errorResponse(format, step.error);
      const turn = step.reply;
      if (!format.wantsStream(record)) return Response.json(format.json(turn, record));
      const frames = format.streamFrames(turn, record);
      const ending = step.streamError ? format.streamErrorFrames(step.streamError, turn, record) : step.dropFinish ? [] : frames.finish;
      const sent = [...frames.content, ...ending];
      if (step.malformedAfterFrames !== undefined) sent.splice(step.malformedAfterFrames, 0, format.malformedFrame());
      return sseResponse(sent, step, record, request.signal);
    },
    error() {
      return new Response("emulator fault", { status: 500 });
    },
  });
  const origin = `http://127.0.0.1:${server.port}`;
  return {
    url: `${origin}${format.basePath}`,
    origin,
    requests,
    async stop() {
      await server.stop(true);
    },
  };
}

/** A text or delta list as deltas. */
export function deltasOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === "string" ? (value === "" ? [] : [value]) : value;
}

export function joined(value: string | string[] | undefined): string {
  return deltasOf(value).join("");
}

/** The finish a turn implies. */
export function finishOf(turn: Turn): NonNullable<Turn["finish"]> {
  return turn.finish ?? (turn.toolCalls?.length ? "tool_calls" : "stop");
}

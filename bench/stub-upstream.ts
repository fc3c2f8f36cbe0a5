/**
 * Stub OpenAI Chat Completions upstream for the benchmark, in its own process.
 *
 *   bun bench/stub-upstream.ts --port 0 --ttft-ms 20 --chunks 20 --chunk-delay-ms 2 --chunk-text " hi"
 *
 * Env equivalents: STUB_PORT, STUB_TTFT_MS, STUB_CHUNKS, STUB_CHUNK_DELAY_MS, STUB_CHUNK_TEXT.
 * Prints one line `PORT=<n>` on stdout when listening (on 127.0.0.1 only).
 *
 * Streaming wire format (what api.openai.com sends): `data: <chunk json>\n\n` per chunk, the first
 * delta carrying `role: "assistant"`, then a chunk with `finish_reason: "stop"`, then — when the
 * request asks `stream_options.include_usage` — a usage chunk with `choices: []`, then
 * `data: [DONE]\n\n`. With a zero chunk delay the chunks are written back-to-back, no timers.
 */
import { numberOption, parseFlags, stringOption } from "./util.ts";

const flags = parseFlags(process.argv.slice(2));
const port = numberOption(flags, "port", "STUB_PORT", 0);
const ttftMs = numberOption(flags, "ttft-ms", "STUB_TTFT_MS", 0);
const chunks = Math.floor(numberOption(flags, "chunks", "STUB_CHUNKS", 20));
const chunkDelayMs = numberOption(flags, "chunk-delay-ms", "STUB_CHUNK_DELAY_MS", 0);
const chunkText = stringOption(flags, "chunk-text", "STUB_CHUNK_TEXT", " token");

const encoder = new TextEncoder();
const DONE = encoder.encode("data: [DONE]\n\n");
let seq = 0;

interface ChatRequest {
  model?: unknown;
  stream?: unknown;
  stream_options?: { include_usage?: unknown } | null;
  messages?: unknown;
}

function promptTokens(body: ChatRequest): number {
  // A rough, deterministic count: the stub is not a tokenizer.
  return Math.max(1, Math.ceil(JSON.stringify(body.messages ?? "").length / 4));
}

function frame(obj: unknown): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(obj)}\n\n`);
}

function streamResponse(body: ChatRequest, model: string): ReadableStream<Uint8Array> {
  const id = `chatcmpl-stub${(++seq).toString(36)}`;
  const created = Math.floor(Date.now() / 1000);
  const includeUsage = body.stream_options?.include_usage === true;
  const chunk = (delta: Record<string, unknown>, finish: string | null): Uint8Array =>
    frame({
      id,
      object: "chat.completion.chunk",
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
  // Every content chunk after the first is identical: encode it once per request.
  const first = chunk({ role: "assistant", content: chunkText }, null);
  const rest = chunks > 1 ? chunk({ content: chunkText }, null) : undefined;
  const finish = chunk({}, "stop");
  const usage = includeUsage
    ? frame({
        id,
        object: "chat.completion.chunk",
        created,
        model,
        choices: [],
        usage: {
          prompt_tokens: promptTokens(body),
          completion_tokens: chunks,
          total_tokens: promptTokens(body) + chunks,
        },
      })
    : undefined;

  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        if (ttftMs > 0) await Bun.sleep(ttftMs);
        for (let i = 0; i < chunks && !cancelled; i++) {
          if (i > 0 && chunkDelayMs > 0) await Bun.sleep(chunkDelayMs);
          controller.enqueue(i === 0 ? first : rest!);
        }
        if (cancelled) return;
        if (chunks === 0) controller.enqueue(chunk({ role: "assistant", content: "" }, null));
        controller.enqueue(finish);
        if (usage !== undefined) controller.enqueue(usage);
        controller.enqueue(DONE);
        controller.close();
      } catch {
        // The client went away mid-stream.
      }
    },
    cancel() {
      cancelled = true;
    },
  });
}

function jsonResponse(body: ChatRequest, model: string): Response {
  const tokens = promptTokens(body);
  return Response.json({
    id: `chatcmpl-stub${(++seq).toString(36)}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: chunkText.repeat(chunks) },
        finish_reason: "stop",
      },
    ],
    usage: { prompt_tokens: tokens, completion_tokens: chunks, total_tokens: tokens + chunks },
  });
}

function openaiError(status: number, message: string): Response {
  return Response.json({ error: { message, type: "invalid_request_error", param: null, code: null } }, { status });
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port,
  idleTimeout: 60,
  async fetch(req, srv) {
    const url = new URL(req.url);
    if (req.method === "GET" && url.pathname === "/v1/models") {
      return Response.json({ object: "list", data: [{ id: "bench-model", object: "model", created: 0, owned_by: "stub" }] });
    }
    if (url.pathname !== "/v1/chat/completions") return openaiError(404, `no route ${url.pathname}`);
    if (req.method !== "POST") return openaiError(405, "POST only");
    let body: ChatRequest;
    try {
      body = (await req.json()) as ChatRequest;
    } catch {
      return openaiError(400, "body is not JSON");
    }
    if (body === null || typeof body !== "object") return openaiError(400, "body is not an object");
    const model = typeof body.model === "string" ? body.model : "bench-model";
    if (body.stream !== true) {
      if (ttftMs > 0) await Bun.sleep(ttftMs);
      return jsonResponse(body, model);
    }
    srv.timeout(req, 0);
    return new Response(streamResponse(body, model), {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
      },
    });
  },
});

process.stdout.write(`PORT=${server.port}\n`);

const shutdown = (): void => {
  void server.stop(true);
  process.exit(0);
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);

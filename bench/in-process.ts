/**
 * lipstd's own JavaScript cost per streamed request, without sockets: the server's request
 * handler (`createApp(...).fetch`) is called in-process with an OpenAI Chat request for an
 * `openai-legacy` backend whose upstream fetch answers at once from memory with the stub's
 * wire bytes. No load generator, stub or proxy process shares the cores, so the number moves far
 * less with machine load than `bench/run.ts`'s — use it to compare two versions of the hot path;
 * use `bench/run.ts` for what a client sees.
 *
 *   bun bench/in-process.ts [--requests 20000] [--chunks 50] [--reads 1] [--concurrency 32] [--warmup 5000]
 *
 * `--reads N` hands the upstream body over in N reads (whole events each), as paced chunks
 * arrive: per-read costs show up there.
 *
 * Prints µs of process CPU (all threads) and of wall time per request, over the measured
 * requests only (after the warm-up, which lets the JIT settle).
 */
import { createApp } from "../src/server/app.ts";
import type { ServerConfig } from "../src/server/server-config.ts";
import { numberOption, parseFlags } from "./util.ts";

const flags = parseFlags(process.argv.slice(2));
const requests = numberOption(flags, "requests", "INPROC_REQUESTS", 20000);
const chunks = numberOption(flags, "chunks", "INPROC_CHUNKS", 50);
const concurrency = numberOption(flags, "concurrency", "INPROC_CONCURRENCY", 32);
const warmup = numberOption(flags, "warmup", "INPROC_WARMUP", 5000);
const reads = Math.max(1, numberOption(flags, "reads", "INPROC_READS", 1));

// The stub upstream's bytes for one answer (see stub-upstream.ts), sent as one read.
const encoder = new TextEncoder();
const frame = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ id: "chatcmpl-stub", object: "chat.completion.chunk", created: 1700000000, model: "bench-model", choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
let wire = frame({ role: "assistant", content: " token" }, null);
for (let i = 1; i < chunks; i++) wire += frame({ content: " token" }, null);
wire += frame({}, "stop");
wire += `data: ${JSON.stringify({ id: "chatcmpl-stub", object: "chat.completion.chunk", created: 1700000000, model: "bench-model", choices: [], usage: { prompt_tokens: 20, completion_tokens: chunks, total_tokens: 20 + chunks } })}\n\n`;
wire += "data: [DONE]\n\n";
const wireBytes = encoder.encode(wire);
// The body split into `reads` pieces at event boundaries.
const events = wire.split(/(?<=\n\n)/);
const pieces = Array.from({ length: Math.min(reads, events.length) }, (_, piece, all = Math.min(reads, events.length)) =>
  encoder.encode(events.slice(Math.floor((piece * events.length) / all), Math.floor(((piece + 1) * events.length) / all)).join("")),
);

function upstreamBody(): Uint8Array | ReadableStream<Uint8Array> {
  if (pieces.length === 1) return wireBytes;
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(pieces[next++]!);
      if (next === pieces.length) controller.close();
    },
  });
}

// Every upstream request of the process answers from memory.
class MemoryFetchSession {
  fetch(): Promise<Response> {
    return Promise.resolve(new Response(upstreamBody(), { status: 200, headers: { "content-type": "text/event-stream" } }));
  }
}
(Bun as unknown as { FetchSession: unknown }).FetchSession = MemoryFetchSession;

const config: ServerConfig = {
  server: {
    address: "127.0.0.1:0",
    max_body_bytes: 8 * 1024 * 1024,
    stream_keepalive_interval: 15_000,
    limits: { max_messages: 4096, max_parts_per_message: 2048, max_tools: 2048, max_text_bytes: 8 * 1024 * 1024, max_json_depth: 64 },
  },
  backends: [{ id: "upstream", kind: "openai-legacy", enabled: true, base_url: "http://127.0.0.1:9/v1", api_key: "bench-key" }],
  routing: { max_attempts: 3, default_route: "upstream:bench-model" },
  model_aliases: [],
};
const app = createApp(config, { log: () => undefined });

let conversation = 0;
async function one(): Promise<void> {
  const body = JSON.stringify({
    model: "bench-model",
    stream: true,
    stream_options: { include_usage: true },
    messages: [
      { role: "system", content: "You are a benchmark." },
      { role: "user", content: `Say something, in as many chunks as the stub likes. Conversation #${++conversation}` },
    ],
  });
  const request = new Request("http://127.0.0.1/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", "content-length": String(body.length), authorization: "Bearer bench-key" },
    body,
  });
  const response = await app.fetch(request, () => undefined, "127.0.0.1");
  const text = await response.text();
  if (response.status !== 200 || !text.endsWith("data: [DONE]\n\n")) throw new Error(`bad answer ${response.status}: ${text.slice(0, 300)}`);
}

async function run(count: number): Promise<void> {
  let issued = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < count) {
        issued++;
        await one();
      }
    }),
  );
}

await run(warmup);
Bun.gc(true);
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
await run(requests);
const cpu = process.cpuUsage(cpuBefore);
const wall = performance.now() - wallBefore;
const perRequest = (value: number) => (value / requests).toFixed(1);
console.log(`in-process: ${requests} requests × ${chunks} chunks in ${pieces.length} read(s), concurrency ${concurrency}: CPU ${perRequest(cpu.user + cpu.system)} µs/req (user ${perRequest(cpu.user)}), wall ${perRequest(wall * 1000)} µs/req`);
await app.close();
process.exit(0);

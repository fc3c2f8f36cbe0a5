/**
 * A minimal fake OpenAI Chat Completions upstream for spine tests: scripted SSE chunks with
 * optional delays, a cut mid-stream, or an HTTP failure; records requests and client aborts.
 */
export interface ChatScript {
  status?: number;
  errorBody?: unknown;
  headers?: Record<string, string>;
  /** Delta objects streamed as `choices[0].delta`, one chunk each. */
  deltas?: Array<Record<string, unknown>>;
  finishReason?: string;
  usage?: Record<string, number>;
  delayMs?: number;
  firstByteDelayMs?: number;
  /** Close the connection after this many deltas, without a finish chunk. */
  cutAfter?: number;
}

export interface ChatUpstream {
  url: string;
  requests: Array<{ body: Record<string, unknown>; headers: Headers }>;
  aborts: number;
  script: (script: ChatScript) => void;
  stop(): void;
}

const encoder = new TextEncoder();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function startChatUpstream(initial: ChatScript = {}): ChatUpstream {
  let current = initial;
  const state: ChatUpstream = {
    url: "",
    requests: [],
    aborts: 0,
    script: (next) => {
      current = next;
    },
    stop: () => server.stop(true),
  };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(request) {
      const body = (await request.json()) as Record<string, unknown>;
      state.requests.push({ body, headers: request.headers });
      const script = current;
      request.signal.addEventListener("abort", () => state.aborts++, { once: true });
      if (script.status && script.status >= 400) {
        return Response.json(script.errorBody ?? { error: { message: "scripted failure", type: "server_error" } }, { status: script.status, headers: script.headers ?? {} });
      }
      const deltas = script.deltas ?? [{ role: "assistant", content: "" }, { content: "Hello" }, { content: " world" }];
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          const send = (chunk: unknown) => controller.enqueue(encoder.encode(`data: ${JSON.stringify(chunk)}\n\n`));
          const base = { id: "chatcmpl-up", object: "chat.completion.chunk", created: 1700000000, model: String(body.model) };
          try {
            if (script.firstByteDelayMs) await sleep(script.firstByteDelayMs);
            for (let i = 0; i < deltas.length; i++) {
              if (script.cutAfter !== undefined && i === script.cutAfter) {
                // Let the sent chunks reach the wire first: erroring a stream drops its queue.
                await sleep(50);
                controller.error(new Error("scripted connection cut"));
                return;
              }
              if (i > 0 && script.delayMs) await sleep(script.delayMs);
              if (request.signal.aborted) return;
              send({ ...base, choices: [{ index: 0, delta: deltas[i], finish_reason: null }] });
            }
            send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: script.finishReason ?? "stop" }] });
            send({ ...base, choices: [], usage: script.usage ?? { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } });
            controller.enqueue(encoder.encode("data: [DONE]\n\n"));
            controller.close();
          } catch {
            // client went away
          }
        },
      });
      return new Response(stream, { headers: { "content-type": "text/event-stream" } });
    },
  });
  state.url = `http://127.0.0.1:${server.port}/v1`;
  return state;
}

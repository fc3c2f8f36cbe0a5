/**
 * An in-process OpenAI Chat Completions upstream on loopback. The model name scripts it:
 * `slow-<ms>` waits that long before its first token, `fail-<status>` answers that status,
 * `truncate` stops after some text without a finish, `malformed` sends broken JSON after text,
 * `once-<anything>` answers 503 the first time that exact model is asked for, then succeeds,
 * `after-<seconds>` answers 503 with that Retry-After.
 * It records which models were asked for and which requests it saw aborted by the caller.
 */
export interface FakeUpstream {
  url: string;
  started: string[];
  aborted: string[];
  stop(): Promise<void>;
}

function chunk(model: string, delta: Record<string, unknown>, finish: string | null = null): string {
  return `data: ${JSON.stringify({ id: "chatcmpl-fake", object: "chat.completion.chunk", created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

export function startFakeOpenAI(): FakeUpstream {
  const started: string[] = [];
  const aborted: string[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(request) {
      const body = (await request.json()) as { model: string };
      const model = body.model;
      started.push(model);
      request.signal.addEventListener("abort", () => aborted.push(model), { once: true });
      if (model.startsWith("once-") && started.filter((seen) => seen === model).length === 1) {
        return Response.json({ error: { message: "scripted first failure", type: "server_error" } }, { status: 503 });
      }
      const after = /^after-(\d+)$/.exec(model);
      if (after) return Response.json({ error: { message: "come back later", type: "server_error" } }, { status: 503, headers: { "retry-after": after[1]! } });
      const failure = /^fail-(\d+)$/.exec(model);
      if (failure) return Response.json({ error: { message: `scripted ${failure[1]}`, type: "server_error" } }, { status: Number(failure[1]) });
      const delay = Number(/^slow-(\d+)/.exec(model)?.[1] ?? 0);
      const encoder = new TextEncoder();
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          try {
            controller.enqueue(encoder.encode(chunk(model, { role: "assistant", content: "" })));
            if (delay > 0) await Bun.sleep(delay);
            if (request.signal.aborted) return controller.close();
            controller.enqueue(encoder.encode(chunk(model, { content: `answer from ${model}` })));
            if (model === "truncate") return controller.close();
            if (model === "malformed") {
              controller.enqueue(encoder.encode("data: {not json\n\n"));
              return controller.close();
            }
            controller.enqueue(encoder.encode(chunk(model, {}, "stop")));
            controller.enqueue(encoder.encode("data: [DONE]\n\n"));
            controller.close();
          } catch {
            // the caller went away mid-stream
          }
        },
      });
      return new Response(stream, { headers: { "content-type": "text/event-stream" } });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}/v1`,
    started,
    aborted,
    stop: () => server.stop(true),
  };
}

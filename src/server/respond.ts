import { createCollector } from "../core/collect.ts";
import type { FrontendCodec, StreamEncoder } from "../core/codec.ts";
import type { CanonicalCall } from "../core/model/call.ts";
import type { CanonicalEvent } from "../core/model/events.ts";
import type { Pipeline, RequestContext } from "../core/pipeline/pipeline.ts";
import { errorResponse } from "./error-response.ts";

interface RespondOptions {
  headers: Record<string, string>;
  pipeline: Pipeline;
  context: RequestContext;
}

const textEncoder = new TextEncoder();

function toBytes(chunk: Uint8Array | string): Uint8Array {
  return typeof chunk === "string" ? textEncoder.encode(chunk) : chunk;
}

/**
 * Streams encoded events with a Bun direct stream: each event is written and flushed as it
 * arrives, with no intermediate queue. A failed client write ends the loop, and leaving the
 * loop returns the event generator, which cancels the upstream request.
 */
export function streamResponse(encoder: StreamEncoder, events: AsyncIterable<CanonicalEvent>, options: RespondOptions): Response {
  const { pipeline, context } = options;
  const observe = pipeline.has("final_stream_observation") || pipeline.has("traffic_observation");
  const egress = pipeline.has("egress_encoding");
  const collector = observe ? createCollector() : undefined;
  const iterator = events[Symbol.asyncIterator]();
  const source: Bun.DirectUnderlyingSource<Uint8Array> = {
    type: "direct",
    async pull(controller: ReadableStreamDirectController) {
      const write = (chunk: Uint8Array | string): void => {
        if (chunk.length === 0) return;
        const bytes = egress ? pipeline.encodeEgress(toBytes(chunk), context) : chunk;
        controller.write(bytes);
        controller.flush();
      };
      try {
        for (;;) {
          const next = await iterator.next();
          if (next.done) break;
          collector?.add(next.value);
          write(encoder.encode(next.value));
        }
        write(encoder.end());
      } catch (thrown) {
        context.log("debug", "stream ended early", { error: String(thrown) });
      } finally {
        await iterator.return?.();
        if (collector) pipeline.observeCompletion(collector.response, context);
        controller.close();
      }
    },
    cancel() {
      void iterator.return?.();
    },
  };
  const body = new ReadableStream(source);
  return new Response(body, {
    status: 200,
    headers: { "content-type": encoder.contentType, "cache-control": "no-cache", ...options.headers },
  });
}

/** Collects the whole answer; a failure after output started becomes the dialect's error response. */
export async function jsonResponse(frontend: FrontendCodec, call: CanonicalCall, events: AsyncIterable<CanonicalEvent>, options: RespondOptions): Promise<Response> {
  const collector = createCollector();
  for await (const event of events) collector.add(event);
  const response = collector.response;
  options.pipeline.observeCompletion(response, options.context);
  if (response.error) {
    const failed = errorResponse(frontend, { ...response.error, status: response.error.status < 400 ? 502 : response.error.status });
    for (const [name, value] of Object.entries(options.headers)) failed.headers.set(name, value);
    return failed;
  }
  return Response.json(frontend.encodeResponse(response, call), { status: 200, headers: options.headers });
}

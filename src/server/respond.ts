import { createCollector } from "../core/collect.ts";
import type { FrontendCodec, StreamEncoder } from "../core/codec.ts";
import type { CanonicalCall } from "../core/model/call.ts";
import { type CanonicalEvent, isTerminalEvent } from "../core/model/events.ts";
import { toCanonicalError } from "../core/model/errors.ts";
import type { Pipeline, RequestContext } from "../core/pipeline/pipeline.ts";
import { errorResponse } from "./error-response.ts";

interface RespondOptions {
  headers: Record<string, string>;
  pipeline: Pipeline;
  context: RequestContext;
}

/** What a pending execution resolves to: its events, and a way to drop them unread. */
export interface PendingEvents {
  batches: AsyncIterable<CanonicalEvent[]>;
  abandon(): void;
}

interface StreamOptions extends RespondOptions {
  /** While `events` is still a pending promise, send the encoder's keepalive this often. */
  keepaliveMs?: number;
}

const waited = Symbol("waited");

/**
 * Waits for a pending execution, writing keepalives while it takes long (load balancers cut
 * idle connections; thinking models can take minutes to their first token). One timer per
 * interval, and none at all once output flows.
 */
async function awaitWithKeepalive<T>(pending: Promise<T>, intervalMs: number, keepalive: () => void): Promise<T> {
  for (;;) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = new Promise<typeof waited>((resolve) => {
      timer = setTimeout(() => resolve(waited), intervalMs);
    });
    try {
      const result = await Promise.race([pending, tick]);
      if (result !== waited) return result as T;
    } finally {
      clearTimeout(timer);
    }
    keepalive();
  }
}

const textEncoder = new TextEncoder();

function toBytes(chunk: Uint8Array | string): Uint8Array {
  return typeof chunk === "string" ? textEncoder.encode(chunk) : chunk;
}

/**
 * Streams encoded events with a Bun direct stream: the events of one upstream read are encoded
 * and written as one chunk (an egress stage sees that chunk), with no intermediate queue and no
 * explicit flush — Bun sends what was written when the loop yields. A failed client write ends
 * the loop, and leaving the loop returns the event generator, which cancels the upstream
 * request. Any other failure ends the stream with the dialect's error event.
 *
 * `events` may still be pending (the executor has not committed an attempt yet): the response
 * has started, so keepalives hold the connection and a failure becomes the dialect's error
 * event instead of an HTTP status.
 */
export function streamResponse(
  encoder: StreamEncoder,
  events: AsyncIterable<CanonicalEvent[]> | Promise<PendingEvents>,
  options: StreamOptions,
): Response {
  const { pipeline, context } = options;
  const observe = pipeline.has("final_stream_observation") || pipeline.has("traffic_observation");
  const egress = pipeline.has("egress_encoding");
  const collector = observe ? createCollector() : undefined;
  let iterator: AsyncIterator<CanonicalEvent[]> | undefined;
  let closed = false;
  const source: Bun.DirectUnderlyingSource<Uint8Array> = {
    type: "direct",
    async pull(controller: ReadableStreamDirectController) {
      const write = (chunk: Uint8Array | string): void => {
        if (chunk.length === 0) return;
        const bytes = egress ? pipeline.encodeEgress(toBytes(chunk), context) : chunk;
        try {
          controller.write(bytes);
        } catch (thrown) {
          closed = true;
          throw thrown;
        }
      };
      let terminated = false;
      let text = "";
      const flush = (): void => {
        if (text === "") return;
        const chunk = text;
        text = "";
        write(chunk);
      };
      try {
        if (events instanceof Promise) {
          let ready: PendingEvents;
          try {
            ready = await awaitWithKeepalive(events, options.keepaliveMs ?? 15_000, () => write(encoder.keepalive()));
          } catch (thrown) {
            if (closed) {
              // The client left while we waited: whatever the executor commits later is dropped.
              void events.then((late) => late.abandon(), () => undefined);
              throw thrown;
            }
            const error = toCanonicalError(thrown);
            collector?.add({ type: "error", error });
            write(encoder.encode({ type: "error", error }));
            write(encoder.end());
            return;
          }
          iterator = ready.batches[Symbol.asyncIterator]();
        } else {
          iterator = events[Symbol.asyncIterator]();
        }
        for (;;) {
          const next = await iterator.next();
          if (next.done) break;
          // One write per upstream read: the events' text is joined first.
          for (const event of next.value) {
            collector?.add(event);
            const encoded = encoder.encode(event);
            if (typeof encoded === "string") text += encoded;
            else {
              flush();
              write(encoded);
            }
            terminated ||= isTerminalEvent(event);
          }
          flush();
        }
        write(encoder.end());
      } catch (thrown) {
        // What was encoded before the fault goes out before the error event.
        if (!closed) {
          try {
            flush();
          } catch {
            // The client is gone.
          }
        }
        context.log("debug", "stream ended early", { error: String(thrown) });
        // A fail-closed stage or an encoder fault stops the stream here: it must not look like a
        // finished answer (Chat and Gemini have no other end marker), so the client gets its
        // dialect's error event.
        if (!terminated && !closed) {
          const failure: CanonicalEvent = { type: "error", error: { ...toCanonicalError(thrown), recoverable: false } };
          collector?.add(failure);
          try {
            write(encoder.encode(failure));
            write(encoder.end());
          } catch {
            // The client is gone, or the encoder cannot write at all.
          }
        }
      } finally {
        await iterator?.return?.();
        if (collector) pipeline.observeCompletion(collector.response, context);
        controller.close();
      }
    },
    cancel() {
      closed = true;
      void iterator?.return?.();
    },
  };
  const body = new ReadableStream(source);
  return new Response(body, {
    status: 200,
    headers: { "content-type": encoder.contentType, "cache-control": "no-cache", ...options.headers },
  });
}

/** Collects the whole answer; a failure after output started becomes the dialect's error response. */
export async function jsonResponse(frontend: FrontendCodec, call: CanonicalCall, batches: AsyncIterable<CanonicalEvent[]>, options: RespondOptions): Promise<Response> {
  const collector = createCollector();
  for await (const batch of batches) for (const event of batch) collector.add(event);
  const response = collector.response;
  options.pipeline.observeCompletion(response, options.context);
  if (response.error) {
    const failed = errorResponse(frontend, { ...response.error, status: response.error.status < 400 ? 502 : response.error.status });
    for (const [name, value] of Object.entries(options.headers)) failed.headers.set(name, value);
    return failed;
  }
  return Response.json(frontend.encodeResponse(response, call), { status: 200, headers: options.headers });
}

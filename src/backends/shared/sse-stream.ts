import { LipError } from "../../core/model/errors.ts";
import { createSseParser, type SseEvent } from "../../sse/index.ts";
import { redactSecrets } from "./upstream-error.ts";
import { upstreamTimeout, type UpstreamHttp } from "./upstream-http.ts";

export interface SseReadOptions {
  /** Applies `http_client.stream_idle_timeout` and maps total-timeout/cancel failures. */
  http?: UpstreamHttp;
  /** The signal the request was sent with (to tell a timeout or a cancel from a broken stream). */
  signal?: AbortSignal;
}

/**
 * Upstream SSE events from a response body, one array per network read: a consumer that maps a
 * whole read at once pays one async hop per read instead of one per event. A body that ends
 * mid-event or fails mid-read throws, so a cut stream never looks complete. The idle timeout
 * runs only while waiting for the network, never while the consumer (a slow client) holds the
 * generator. Each yielded array is the consumer's to keep.
 */
export async function* sseBatches(body: ReadableStream<Uint8Array>, backendId: string, options: SseReadOptions = {}): AsyncGenerator<SseEvent[]> {
  let pending: SseEvent[] = [];
  const parser = createSseParser((event) => pending.push(event));
  const reader = body.getReader();
  const idleMs = options.http?.settings.streamIdleTimeoutMs ?? 0;
  let idleExpired = false;
  let finished = false;
  // One timer per stream rather than one per read: each read only notes when its wait began;
  // the timer, when it fires, checks the wait in progress and re-arms for what is left of it.
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waitingSince: number | undefined;
  const checkIdle = () => {
    timer = undefined;
    if (waitingSince === undefined) return;
    const left = waitingSince + idleMs - performance.now();
    if (left > 0) {
      timer = setTimeout(checkIdle, left);
      return;
    }
    idleExpired = true;
    void reader.cancel().catch(() => {});
  };
  try {
    for (;;) {
      let result: Awaited<ReturnType<typeof reader.read>>;
      if (idleMs > 0) {
        waitingSince = performance.now();
        timer ??= setTimeout(checkIdle, idleMs);
      }
      try {
        result = await reader.read();
      } catch (thrown) {
        const cause = options.signal && options.http?.bodyFailure(backendId, options.signal);
        if (cause) throw cause;
        const detail = thrown instanceof Error ? thrown.message : String(thrown);
        throw new LipError("upstream", redactSecrets(`upstream ${backendId} stream broke: ${detail}`), { code: "stream_broken" });
      } finally {
        waitingSince = undefined;
      }
      if (idleExpired) throw upstreamTimeout(backendId, "idle", idleMs);
      if (result.done) {
        finished = true;
        break;
      }
      parser.feed(result.value);
      if (pending.length > 0) {
        const batch = pending;
        pending = [];
        yield batch;
      }
    }
    const { truncated } = parser.end();
    if (pending.length > 0) yield pending;
    if (truncated) throw new LipError("upstream", `upstream ${backendId} stream ended mid-event`, { code: "truncated_stream" });
  } finally {
    clearTimeout(timer);
    // A consumer that stops early (client gone, race lost) must not leave the upstream body open.
    if (!finished) void reader.cancel().catch(() => {});
    else reader.releaseLock();
  }
}

/** One event's `data` as JSON; data that is not JSON makes the stream malformed. */
export function parseEventData(data: string, backendId: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    throw new LipError("upstream", `upstream ${backendId} sent malformed JSON in its stream`, { code: "malformed_stream" });
  }
}

import { LipError } from "../../core/model/errors.ts";
import { createSseParser, type SseEvent } from "../../sse/index.ts";
import { redactSecrets } from "./upstream-error.ts";

/**
 * Upstream SSE events from a response body. Events parsed from one network chunk are yielded
 * together; a body that ends mid-event or fails mid-read throws, so a cut stream never looks
 * complete.
 */
export async function* sseEvents(body: ReadableStream<Uint8Array>, backendId: string): AsyncGenerator<SseEvent> {
  const pending: SseEvent[] = [];
  const parser = createSseParser((event) => pending.push(event));
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      let result: Awaited<ReturnType<typeof reader.read>>;
      try {
        result = await reader.read();
      } catch (thrown) {
        const detail = thrown instanceof Error ? thrown.message : String(thrown);
        throw new LipError("upstream", redactSecrets(`upstream ${backendId} stream broke: ${detail}`), { code: "stream_broken" });
      }
      if (result.done) {
        finished = true;
        break;
      }
      parser.feed(result.value);
      while (pending.length > 0) yield pending.shift()!;
    }
    const { truncated } = parser.end();
    while (pending.length > 0) yield pending.shift()!;
    if (truncated) throw new LipError("upstream", `upstream ${backendId} stream ended mid-event`, { code: "truncated_stream" });
  } finally {
    // A consumer that stops early (client gone, race lost) must not leave the upstream body open.
    if (!finished) void reader.cancel().catch(() => {});
    else reader.releaseLock();
  }
}

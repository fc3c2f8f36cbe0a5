import type { CanonicalEvent } from "../../core/model/events.ts";
import type { SseEvent } from "../../sse/index.ts";

/**
 * Canonical events per upstream read, for `BackendInstance.streamBatches`: `map` appends what
 * one SSE event means to `out` and answers true once the stream is complete (reading stops);
 * `finish` appends what the end means, and throws for a stream that stopped too early. When
 * `map` fails, that SSE event's output is dropped and the read's earlier events go out before
 * the failure, as they would one at a time.
 */
export async function* canonicalBatches(
  reads: AsyncIterable<SseEvent[]>,
  map: (event: SseEvent, out: CanonicalEvent[]) => boolean,
  finish: (out: CanonicalEvent[]) => void,
): AsyncGenerator<CanonicalEvent[]> {
  for await (const read of reads) {
    const events: CanonicalEvent[] = [];
    let kept = 0;
    try {
      for (const event of read) {
        const complete = map(event, events);
        kept = events.length;
        if (complete) {
          finish(events);
          yield events;
          return;
        }
      }
    } catch (thrown) {
      events.length = kept;
      if (events.length > 0) yield events;
      throw thrown;
    }
    if (events.length > 0) yield events;
  }
  const events: CanonicalEvent[] = [];
  finish(events);
  if (events.length > 0) yield events;
}

/** The events of `batches` one at a time, for `BackendInstance.stream`. */
export async function* eachEvent(batches: AsyncIterable<CanonicalEvent[]>): AsyncGenerator<CanonicalEvent> {
  for await (const batch of batches) yield* batch;
}

/** Appends `events` to `out`. */
export function append(out: CanonicalEvent[], events: readonly CanonicalEvent[]): void {
  for (const event of events) out.push(event);
}

// Serialises events to text/event-stream bytes. Each event is built as one
// string and encoded once: one allocation per event on the hot path.

const encoder = new TextEncoder();
const LINE_BREAK = /\r\n|\r|\n/g;
const FORBIDDEN_IN_FIELD = /[\r\n]/;

export interface SseOutgoingEvent {
  event?: string;
  data: string;
  id?: string;
  /** Reconnection time in milliseconds. */
  retry?: number;
}

/** `data: [DONE]`, the OpenAI end-of-stream sentinel. */
export const SSE_DONE: Uint8Array = encoder.encode("data: [DONE]\n\n");
/** A comment line: keeps idle connections and intermediaries from timing out. */
export const SSE_KEEPALIVE: Uint8Array = encoder.encode(": keepalive\n");

export function encodeSseEvent(e: SseOutgoingEvent): Uint8Array {
  let out = "";
  if (e.event !== undefined) {
    // A line break here would let the value inject extra fields or events.
    if (FORBIDDEN_IN_FIELD.test(e.event)) throw new TypeError("SSE event name must not contain CR or LF");
    out += `event: ${e.event}\n`;
  }
  if (e.id !== undefined) {
    if (FORBIDDEN_IN_FIELD.test(e.id)) throw new TypeError("SSE id must not contain CR or LF");
    // Parsers ignore an id containing NUL, so it would be silently lost.
    if (e.id.includes("\0")) throw new TypeError("SSE id must not contain NUL");
    out += `id: ${e.id}\n`;
  }
  if (e.retry !== undefined) {
    if (!Number.isSafeInteger(e.retry) || e.retry < 0) {
      throw new TypeError("SSE retry must be a non-negative integer");
    }
    out += `retry: ${e.retry}\n`;
  }
  // Every line terminator starts a new data: line; the parser rejoins them with LF,
  // so CRLF and CR in data come back as LF.
  out += `data: ${e.data.replace(LINE_BREAK, "\ndata: ")}\n\n`;
  return encoder.encode(out);
}

/** `data: <json>\n\n`. JSON.stringify output never holds a raw line break; anything else is split safely. */
export function encodeSseData(json: string): Uint8Array {
  if (json.includes("\n") || json.includes("\r")) return encodeSseEvent({ data: json });
  return encoder.encode(`data: ${json}\n\n`);
}

/** One `: ` comment line per line of text. Comments never dispatch an event. */
export function encodeSseComment(text: string): Uint8Array {
  return encoder.encode(`: ${text.replace(LINE_BREAK, "\n: ")}\n`);
}

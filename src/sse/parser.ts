// Incremental text/event-stream parser following the WHATWG EventSource
// "interpreting an event stream" rules, working on raw byte chunks.

export interface SseEvent {
  /** `undefined` when no `event:` field (or an empty one) was given: the spec's "message". */
  event: string | undefined;
  data: string;
  /**
   * The stream's last event ID, as the spec defines it: it persists across events
   * until another `id:` field replaces it. `undefined` until the first `id:` field.
   */
  id: string | undefined;
  /** The last valid `retry:` value seen since the previous dispatched event. */
  retry: number | undefined;
}

export interface SseParserOptions {
  /**
   * Upper bound on wire bytes held for one event: its `data:` lines plus the line
   * being read. Exceeding it throws `SseParseError`. Default 16 MiB.
   */
  maxBufferBytes?: number;
  /** Receives comment lines (`: text`), with one leading space stripped like a field value. */
  onComment?: (text: string) => void;
}

export interface SseParserStats {
  /** Bytes covered by searches for LF. Each byte is covered at most once. */
  lfScannedBytes: number;
  /** Bytes covered by searches for CR. Each byte is covered at most once. */
  crScannedBytes: number;
  /** How many times fragments of a line split across chunks were concatenated. */
  joins: number;
}

export interface SseEndResult {
  /** The stream stopped inside an event: a partial line, or fields without the closing blank line. */
  truncated: boolean;
  /** Bytes of the unterminated last line that were discarded. */
  pendingBytes: number;
}

export interface SseParser {
  feed(chunk: Uint8Array): void;
  /** Ends the stream. Per spec an unfinished event is discarded, never dispatched. */
  end(): SseEndResult;
  /** Forgets all state, including a failure and the last event ID, to parse a new stream. */
  reset(): void;
  /** Bytes of the current unterminated line. */
  pendingBytes(): number;
  /** True if the stream, were it to end now, would end inside an event. */
  readonly hasPartialEvent: boolean;
  readonly stats: SseParserStats;
}

export class SseParseError extends Error {
  override readonly name = "SseParseError";
}

export const DEFAULT_MAX_BUFFER_BYTES = 16 * 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const BOM = new Uint8Array([0xef, 0xbb, 0xbf]);
const EMPTY = new Uint8Array(0);
const DIGITS = /^[0-9]+$/;

export function createSseParser(
  onEvent: (e: SseEvent) => void,
  options: SseParserOptions = {},
): SseParser {
  const maxBufferBytes = options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES;
  const onComment = options.onComment;
  // ignoreBOM keeps U+FEFF in the output: only the stream's first bytes may be a
  // BOM to drop, and that is done on bytes before any line is decoded.
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

  // The unterminated line, as views into the chunks it arrived in. Concatenating
  // on every chunk would copy a long line once per chunk (quadratic); views are
  // joined once, when the line ends.
  let fragments: Uint8Array[] = [];
  let fragmentBytes = 0;
  // A chunk ended with CR: a LF opening the next chunk belongs to that line end.
  let skipLeadingLf = false;
  let bomMatched = 0;
  let bomDone = false;

  let eventType = "";
  let data: string | undefined;
  let dataBytes = 0;
  let blockStarted = false;
  let lastEventId: string | undefined;
  let retry: number | undefined;

  let failure: unknown;
  let endResult: SseEndResult | undefined;
  let lfScannedBytes = 0;
  let crScannedBytes = 0;
  let joins = 0;

  function overLimit(lineBytes: number): void {
    if (dataBytes + lineBytes > maxBufferBytes) {
      throw new SseParseError(
        `SSE event exceeds maxBufferBytes (${maxBufferBytes}): ${dataBytes + lineBytes} bytes buffered`,
      );
    }
  }

  function dispatch(): void {
    const dispatched = data;
    const type = eventType;
    eventType = "";
    data = undefined;
    dataBytes = 0;
    blockStarted = false;
    // Per spec a block without data lines dispatches nothing, even with `event:`.
    if (dispatched === undefined) return;
    const event: SseEvent = {
      event: type === "" ? undefined : type,
      data: dispatched,
      id: lastEventId,
      retry,
    };
    retry = undefined;
    onEvent(event);
  }

  /** One line of `byteLength` wire bytes, already decoded; the caller checked the limit. */
  function processText(line: string, byteLength: number): void {
    if (line.charCodeAt(0) === COLON) {
      if (onComment !== undefined) onComment(line.slice(line.charCodeAt(1) === 0x20 ? 2 : 1));
      return;
    }
    blockStarted = true;
    const colon = line.indexOf(":");
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = "";
    } else {
      field = line.slice(0, colon);
      const start = line.charCodeAt(colon + 1) === 0x20 ? colon + 2 : colon + 1;
      value = line.slice(start);
    }
    switch (field) {
      case "data":
        data = data === undefined ? value : `${data}\n${value}`;
        dataBytes += byteLength;
        break;
      case "event":
        eventType = value;
        break;
      case "id":
        if (!value.includes("\0")) lastEventId = value;
        break;
      case "retry":
        if (DIGITS.test(value)) retry = Number.parseInt(value, 10);
        break;
    }
  }

  function processLine(bytes: Uint8Array): void {
    if (bytes.length === 0) {
      dispatch();
      return;
    }
    overLimit(bytes.length);
    processText(decoder.decode(bytes), bytes.length);
  }

  function takeLine(chunk: Uint8Array, start: number, end: number): Uint8Array {
    if (fragments.length === 0) return chunk.subarray(start, end);
    if (end > start) fragments.push(chunk.subarray(start, end));
    let line: Uint8Array;
    if (fragments.length === 1) {
      line = fragments[0] ?? EMPTY;
    } else {
      line = new Uint8Array(fragmentBytes + (end - start));
      let at = 0;
      for (const f of fragments) {
        line.set(f, at);
        at += f.length;
      }
      joins++;
    }
    fragments = [];
    fragmentBytes = 0;
    return line;
  }

  function scan(chunk: Uint8Array): void {
    const len = chunk.length;
    let pos = 0;
    if (skipLeadingLf && len > 0) {
      skipLeadingLf = false;
      if (chunk[0] === LF) pos = 1;
    }
    // Next LF / CR at or after pos; -2 = not searched yet, -1 = none in this chunk.
    // Each search resumes past the previous hit, so no byte is searched twice.
    let nextLf = -2;
    let nextCr = -2;
    // Lines that lie whole in this chunk are read from one decode of the chunk's rest rather
    // than one view and one decode per line. CR and LF are single bytes that no other UTF-8
    // sequence contains or decodes to, so the k-th line end in the bytes is the k-th in the text.
    let text: string | undefined;
    let textPos = 0;
    while (pos < len) {
      if (nextLf !== -1 && nextLf < pos) {
        nextLf = chunk.indexOf(LF, pos);
        lfScannedBytes += (nextLf === -1 ? len : nextLf + 1) - pos;
      }
      if (nextCr !== -1 && nextCr < pos) {
        // LF-only input pays for one CR search per chunk, which finds nothing.
        nextCr = chunk.indexOf(CR, pos);
        crScannedBytes += (nextCr === -1 ? len : nextCr + 1) - pos;
      }
      let end: number;
      if (nextCr === -1) {
        if (nextLf === -1) break;
        end = nextLf;
      } else {
        end = nextLf === -1 || nextCr < nextLf ? nextCr : nextLf;
      }
      const atCr = end === nextCr;
      if (fragments.length > 0) {
        const line = takeLine(chunk, pos, end);
        pos = end + 1;
        if (atCr) {
          if (pos === len) skipLeadingLf = true;
          else if (chunk[pos] === LF) pos++;
        }
        processLine(line);
        continue;
      }
      const lineBytes = end - pos;
      let line = "";
      if (lineBytes > 0) {
        overLimit(lineBytes);
        if (text === undefined) {
          text = decoder.decode(chunk.subarray(pos));
          textPos = 0;
        }
        const textEnd = text.indexOf(atCr ? "\r" : "\n", textPos);
        line = text.slice(textPos, textEnd);
        textPos = textEnd + 1;
      } else if (text !== undefined) {
        textPos++;
      }
      pos = end + 1;
      if (atCr) {
        if (pos === len) skipLeadingLf = true;
        else if (chunk[pos] === LF) {
          pos++;
          textPos++;
        }
      }
      if (lineBytes === 0) dispatch();
      else processText(line, lineBytes);
    }
    if (pos < len) {
      const tail = len - pos;
      overLimit(fragmentBytes + tail);
      fragments.push(chunk.subarray(pos));
      fragmentBytes += tail;
    }
  }

  function feedUnchecked(chunk: Uint8Array): void {
    if (!bomDone) {
      let i = 0;
      while (bomMatched < 3 && i < chunk.length && chunk[i] === BOM[bomMatched]) {
        bomMatched++;
        i++;
      }
      if (bomMatched < 3 && i === chunk.length) return;
      bomDone = true;
      // A BOM prefix that turned out not to be a BOM is ordinary data.
      if (bomMatched < 3 && bomMatched > 0) scan(BOM.subarray(0, bomMatched));
      chunk = chunk.subarray(i);
    }
    scan(chunk);
  }

  function pendingBytes(): number {
    return bomDone ? fragmentBytes : bomMatched;
  }

  function hasPartialEvent(): boolean {
    return pendingBytes() > 0 || blockStarted;
  }

  function guard(): void {
    if (failure !== undefined) throw failure;
    if (endResult !== undefined) throw new Error("SSE parser already ended; call reset() to parse a new stream");
  }

  function reset(): void {
    fragments = [];
    fragmentBytes = 0;
    skipLeadingLf = false;
    bomMatched = 0;
    bomDone = false;
    eventType = "";
    data = undefined;
    dataBytes = 0;
    blockStarted = false;
    lastEventId = undefined;
    retry = undefined;
    failure = undefined;
    endResult = undefined;
    lfScannedBytes = 0;
    crScannedBytes = 0;
    joins = 0;
  }

  return {
    feed(chunk: Uint8Array): void {
      guard();
      try {
        feedUnchecked(chunk);
      } catch (err) {
        // The rest of the chunk was never parsed, so the position in the stream
        // is lost: every later call fails the same way until reset().
        failure = err;
        throw err;
      }
    },
    end(): SseEndResult {
      if (failure !== undefined) throw failure;
      if (endResult !== undefined) return endResult;
      endResult = { truncated: hasPartialEvent(), pendingBytes: pendingBytes() };
      fragments = [];
      fragmentBytes = 0;
      eventType = "";
      data = undefined;
      dataBytes = 0;
      blockStarted = false;
      return endResult;
    },
    reset,
    pendingBytes,
    get hasPartialEvent(): boolean {
      return hasPartialEvent();
    },
    get stats(): SseParserStats {
      return { lfScannedBytes, crScannedBytes, joins };
    },
  };
}

export {
  createSseParser,
  DEFAULT_MAX_BUFFER_BYTES,
  SseParseError,
  type SseEndResult,
  type SseEvent,
  type SseParser,
  type SseParserOptions,
  type SseParserStats,
} from "./parser.ts";
export {
  encodeSseComment,
  encodeSseData,
  encodeSseEvent,
  SSE_DONE,
  SSE_KEEPALIVE,
  type SseOutgoingEvent,
} from "./encoder.ts";

import type { FinishReason } from "../../core/model/events.ts";

/**
 * Gemini `finishReason` → canonical. Gemini says STOP also when the model called tools, so the
 * caller passes whether a functionCall appeared. Filters of every kind are `content_filter`;
 * a broken or refused tool call is `error`; unknown values are `other` (the raw value is kept).
 */
export function geminiFinishReason(raw: string, sawToolCall: boolean): FinishReason {
  switch (raw) {
    case "STOP":
      return sawToolCall ? "tool_calls" : "stop";
    case "MAX_TOKENS":
    case "CONTINUATION":
      return "length";
    case "SAFETY":
    case "RECITATION":
    case "BLOCKLIST":
    case "PROHIBITED_CONTENT":
    case "SPII":
    case "IMAGE_SAFETY":
    case "IMAGE_PROHIBITED_CONTENT":
    case "IMAGE_RECITATION":
    case "MODEL_ARMOR":
      return "content_filter";
    case "MALFORMED_FUNCTION_CALL":
    case "UNEXPECTED_TOOL_CALL":
    case "TOO_MANY_TOOL_CALLS":
    case "MALFORMED_RESPONSE":
    case "MISSING_THOUGHT_SIGNATURE":
      return "error";
    default:
      return sawToolCall ? "tool_calls" : "other";
  }
}

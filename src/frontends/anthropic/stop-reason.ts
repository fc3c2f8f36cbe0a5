import type { FinishReason } from "../../core/model/events.ts";

const anthropicStopReasons: ReadonlySet<string> = new Set([
  "end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal", "model_context_window_exceeded",
]);

/**
 * Canonical finish → Anthropic `stop_reason`. Any tool_use block in the answer makes it
 * `tool_use` unless the answer was cut, filtered or paused: Claude Code ends its turn silently on
 * anything else. A raw reason from an Anthropic-family backend wins when it is one Anthropic knows
 * (e.g. `model_context_window_exceeded`, which the canonical model folds into `length`).
 */
export function anthropicStopReason(reason: FinishReason | undefined, hasToolUse: boolean, raw?: string, stopSequence?: string): string {
  const interrupted = reason === "length" || reason === "content_filter" || reason === "pause";
  if (hasToolUse && !interrupted) return "tool_use";
  if (raw !== undefined && anthropicStopReasons.has(raw) && raw !== "tool_use") return raw;
  switch (reason) {
    case "length":
      return "max_tokens";
    case "content_filter":
      return "refusal";
    case "pause":
      return "pause_turn";
    case "stop":
      return stopSequence !== undefined ? "stop_sequence" : "end_turn";
    case "tool_calls":
    case "error":
    case "other":
    case undefined:
      return "end_turn";
    default: {
      const exhaustive: never = reason;
      return exhaustive;
    }
  }
}

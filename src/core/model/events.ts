import type { CanonicalError } from "./errors.ts";
import type { ProviderSignature } from "./parts.ts";
import type { Usage } from "./usage.ts";

/**
 * The canonical event stream. Every content event carries `index`: the position of its output
 * block (reasoning, text or tool call) in the assistant message. Indices start at 0, grow by
 * one per new block, and blocks never interleave — so each dialect encoder can open and close
 * its own blocks from the index alone. Checked by `createEventChecker`.
 */
export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "pause" | "error" | "other";

export type CanonicalEvent =
  | { type: "response_started"; id: string; model: string; created: number }
  | { type: "message_started"; role: "assistant" }
  | { type: "text_delta"; index: number; text: string; signature?: ProviderSignature }
  | { type: "reasoning_delta"; index: number; text: string; kind?: "thinking" | "summary"; id?: string }
  /** Closes a reasoning block's authentication: a signature and/or an opaque (encrypted, redacted) payload. */
  | { type: "reasoning_signature_delta"; index: number; signature?: ProviderSignature; opaque?: ProviderSignature; id?: string }
  | { type: "tool_call_started"; index: number; id: string; name: string; signature?: ProviderSignature }
  | { type: "tool_call_args_delta"; index: number; delta: string }
  /** `arguments` is the complete JSON text, so whole-call dialects need not accumulate. */
  | { type: "tool_call_finished"; index: number; arguments: string }
  /** Cumulative: a later usage event replaces an earlier one. */
  | { type: "usage"; usage: Usage }
  | { type: "warning"; code: string; message: string }
  | { type: "error"; error: CanonicalError }
  | { type: "response_finished"; finishReason: FinishReason; rawFinishReason?: string; stopSequence?: string };

/** Events that commit an attempt: after one of these reaches the client, failover is over. */
export function isContentEvent(event: CanonicalEvent): boolean {
  switch (event.type) {
    case "text_delta":
      return event.text.length > 0;
    case "reasoning_delta":
    case "reasoning_signature_delta":
    case "tool_call_started":
    case "tool_call_args_delta":
    case "tool_call_finished":
      return true;
    default:
      return false;
  }
}

export function isTerminalEvent(event: CanonicalEvent): boolean {
  return event.type === "response_finished" || event.type === "error";
}

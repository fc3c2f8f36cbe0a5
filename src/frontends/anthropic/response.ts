import type { CollectedResponse } from "../../core/collect.ts";
import type { CanonicalCall } from "../../core/model/call.ts";
import type { Part } from "../../core/model/parts.ts";
import { argumentsObject } from "../shared/validate.ts";
import { redactedDataText, thinkingSignatureText } from "./signature.ts";
import { anthropicStopReason } from "./stop-reason.ts";
import { anthropicUsage } from "./usage.ts";

export function messageId(upstreamId: string): string {
  return upstreamId.startsWith("msg_") ? upstreamId : `msg_${upstreamId}`;
}

/** One output part as an Anthropic content block (input parts never reach here). */
function contentBlock(part: Part): Record<string, unknown> | undefined {
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text };
    case "reasoning":
      // Canonical rule: an opaque payload and no text is what Anthropic calls redacted thinking.
      if (part.text === "" && part.opaque) return { type: "redacted_thinking", data: redactedDataText(part) };
      return { type: "thinking", thinking: part.text, signature: thinkingSignatureText(part) };
    case "tool_call":
      return { type: "tool_use", id: part.id, name: part.name, input: argumentsObject(part.arguments) };
    case "image":
    case "file":
    case "tool_result":
      return undefined;
    default: {
      const exhaustive: never = part;
      return exhaustive;
    }
  }
}

export function encodeMessagesResponse(response: CollectedResponse, call: CanonicalCall): unknown {
  const content = response.parts.flatMap((part) => contentBlock(part) ?? []);
  const hasToolUse = response.parts.some((part) => part.type === "tool_call");
  return {
    id: messageId(response.id),
    type: "message",
    role: "assistant",
    model: response.model || call.model,
    content,
    stop_reason: anthropicStopReason(response.finishReason, hasToolUse, response.rawFinishReason, response.stopSequence),
    stop_sequence: response.stopSequence ?? null,
    usage: anthropicUsage(response.usage),
  };
}

import type { CollectedResponse } from "../../core/collect.ts";
import type { CanonicalCall } from "../../core/model/call.ts";
import type { Part } from "../../core/model/parts.ts";
import { modelStopError } from "../shared/model-error.ts";
import { argumentsObject } from "../shared/validate.ts";
import { callSignatureCarrier, redactedDataText, thinkingSignatureText } from "./signature.ts";
import { anthropicStopReason } from "./stop-reason.ts";
import { anthropicUsage } from "./usage.ts";

export function messageId(upstreamId: string): string {
  return upstreamId.startsWith("msg_") ? upstreamId : `msg_${upstreamId}`;
}

/** One output part as Anthropic content blocks (input parts never reach here). */
function contentBlocks(part: Part): Array<Record<string, unknown>> {
  switch (part.type) {
    case "text":
      return [{ type: "text", text: part.text }];
    case "reasoning":
      // Canonical rule: an opaque payload and no text is what Anthropic calls redacted thinking.
      if (part.text === "" && part.opaque) return [{ type: "redacted_thinking", data: redactedDataText(part) }];
      return [{ type: "thinking", thinking: part.text, signature: thinkingSignatureText(part) }];
    case "tool_call": {
      const toolUse = { type: "tool_use", id: part.id, name: part.name, input: argumentsObject(part.arguments) };
      return part.signature ? [callSignatureCarrier(part.id, part.signature), toolUse] : [toolUse];
    }
    case "image":
    case "file":
    case "tool_result":
      return [];
    default: {
      const exhaustive: never = part;
      return exhaustive;
    }
  }
}

export function encodeMessagesResponse(response: CollectedResponse, call: CanonicalCall): unknown {
  // No stop_reason says it: thrown, it is the dialect's error response.
  if (response.finishReason === "error") throw modelStopError(response.rawFinishReason);
  const content = response.parts.flatMap(contentBlocks);
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

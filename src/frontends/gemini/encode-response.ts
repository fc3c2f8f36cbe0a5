import type { CollectedResponse } from "../../core/collect.ts";
import type { CanonicalCall } from "../../core/model/call.ts";
import type { JsonObject } from "../shared/validate.ts";
import { createReasoningCarrier, functionCallPart, geminiFinishReason, geminiUsage, textPart, thoughtPart } from "./encode-parts.ts";

/** One GenerateContentResponse holding the whole answer (`:generateContent`). */
export function encodeGeminiResponse(response: CollectedResponse, call: CanonicalCall): JsonObject {
  const showThoughts = call.options.reasoning?.includeThoughts === true;
  const carrier = createReasoningCarrier();
  const parts: JsonObject[] = [];
  for (const part of response.parts) {
    switch (part.type) {
      case "text":
        parts.push(textPart(part.text, part.signature));
        break;
      case "reasoning": {
        const thought = thoughtPart(part, showThoughts);
        if (thought) parts.push(thought);
        carrier.add(part);
        break;
      }
      case "tool_call":
        parts.push(functionCallPart(part, carrier.take()));
        break;
      case "image":
      case "file":
      case "tool_result":
        // Not produced by the event stream; nothing to render.
        break;
      default: {
        const exhaustive: never = part;
        return exhaustive;
      }
    }
  }
  return {
    candidates: [{ content: { parts, role: "model" }, finishReason: geminiFinishReason(response.finishReason, response.rawFinishReason), index: 0 }],
    ...(response.usage && { usageMetadata: geminiUsage(response.usage) }),
    modelVersion: response.model || call.model,
    responseId: response.id,
  };
}

import type { FinishReason } from "../../core/model/events.ts";
import type { ProviderSignature, ReasoningPart } from "../../core/model/parts.ts";
import type { Usage } from "../../core/model/usage.ts";
import { argumentsObject, type JsonObject } from "../shared/validate.ts";
import { type CarriedReasoning, encodeThoughtSignature, needsCarrying, type SignatureEnvelope } from "./signature.ts";

/** Every FinishReason of the Gemini API: a backend's raw value in this set passes through as it was. */
const geminiFinishReasons = new Set([
  "FINISH_REASON_UNSPECIFIED", "STOP", "MAX_TOKENS", "SAFETY", "RECITATION", "LANGUAGE", "OTHER", "BLOCKLIST",
  "PROHIBITED_CONTENT", "SPII", "MALFORMED_FUNCTION_CALL", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_OTHER",
  "NO_IMAGE", "IMAGE_RECITATION", "UNEXPECTED_TOOL_CALL", "TOO_MANY_TOOL_CALLS", "MISSING_THOUGHT_SIGNATURE", "MALFORMED_RESPONSE",
]);

/** Gemini has no tool-call finish reason: a turn that ends in calls is STOP with functionCall parts. */
export function geminiFinishReason(reason: FinishReason | undefined, raw: string | undefined): string {
  if (raw !== undefined && geminiFinishReasons.has(raw)) return raw;
  switch (reason) {
    case undefined:
    case "stop":
    case "tool_calls":
    case "pause":
      return "STOP";
    case "length":
      return "MAX_TOKENS";
    case "content_filter":
      return "SAFETY";
    case "error":
    case "other":
      return "OTHER";
    default: {
      const exhaustive: never = reason;
      return exhaustive;
    }
  }
}

/** promptTokenCount includes cached tokens; candidatesTokenCount excludes thoughts. Unknown counts are left out. */
export function geminiUsage(usage: Usage): JsonObject {
  const metadata: JsonObject = {};
  if (usage.inputTokens !== undefined) metadata.promptTokenCount = usage.inputTokens;
  if (usage.outputTokens !== undefined) metadata.candidatesTokenCount = Math.max(0, usage.outputTokens - (usage.reasoningTokens ?? 0));
  if (usage.reasoningTokens !== undefined) metadata.thoughtsTokenCount = usage.reasoningTokens;
  if (usage.cacheReadTokens !== undefined) metadata.cachedContentTokenCount = usage.cacheReadTokens;
  const total = usage.totalTokens ?? (usage.inputTokens !== undefined || usage.outputTokens !== undefined ? (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0) : undefined);
  if (total !== undefined) metadata.totalTokenCount = total;
  return metadata;
}

export function textPart(text: string, signature: ProviderSignature | undefined): JsonObject {
  const thoughtSignature = signature && encodeThoughtSignature({ signature });
  return thoughtSignature === undefined ? { text } : { text, thoughtSignature };
}

/**
 * A thought part. Thought text is shown only when the client asked for it (includeThoughts),
 * as Gemini does; a signature is always delivered, so the turn can be replayed.
 */
export function thoughtPart(reasoning: Omit<ReasoningPart, "type">, showThoughts: boolean): JsonObject | undefined {
  const envelope: SignatureEnvelope = {
    ...(reasoning.signature && { signature: reasoning.signature }),
    ...(reasoning.opaque && { opaque: reasoning.opaque }),
  };
  // Kind and item id only matter where a signature makes the block replayable.
  if (envelope.signature || envelope.opaque) {
    if (reasoning.kind === "summary") envelope.kind = "summary";
    if (reasoning.id !== undefined) envelope.id = reasoning.id;
  }
  const thoughtSignature = encodeThoughtSignature(envelope);
  const text = showThoughts ? reasoning.text : "";
  if (text === "" && thoughtSignature === undefined) return undefined;
  return thoughtSignature === undefined ? { text, thought: true } : { text, thought: true, thoughtSignature };
}

export function functionCallPart(
  call: { id: string; name: string; arguments: string; signature?: ProviderSignature },
  carried: CarriedReasoning[] | undefined,
): JsonObject {
  const part: JsonObject = { functionCall: { name: call.name, args: argumentsObject(call.arguments), id: call.id } };
  const thoughtSignature = encodeThoughtSignature({ ...(call.signature && { signature: call.signature }), ...(carried && { reasoning: carried }) });
  if (thoughtSignature !== undefined) part.thoughtSignature = thoughtSignature;
  return part;
}

/** Foreign-signed reasoning seen since the last tool call, handed to the next functionCall part. */
export function createReasoningCarrier() {
  let carried: CarriedReasoning[] = [];
  return {
    add(reasoning: Omit<ReasoningPart, "type">): void {
      if (!needsCarrying(reasoning)) return;
      carried.push({
        text: reasoning.text,
        ...(reasoning.kind && { kind: reasoning.kind }),
        ...(reasoning.signature && { signature: reasoning.signature }),
        ...(reasoning.opaque && { opaque: reasoning.opaque }),
        ...(reasoning.id && { id: reasoning.id }),
      });
    },
    take(): CarriedReasoning[] | undefined {
      if (carried.length === 0) return undefined;
      const taken = carried;
      carried = [];
      return taken;
    },
  };
}

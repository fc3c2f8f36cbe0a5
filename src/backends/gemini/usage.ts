import type { Usage } from "../../core/model/usage.ts";
import type { GeminiUsageMetadata } from "./wire.ts";

/**
 * Gemini counts thoughts apart from the answer; canonical output is everything generated
 * (candidates + thoughts), so totals reconcile. Tool-use prompt tokens are input the model read.
 */
export function geminiUsage(raw: GeminiUsageMetadata): Usage {
  const usage: Usage = {};
  if (raw.promptTokenCount !== undefined || raw.toolUsePromptTokenCount !== undefined) {
    usage.inputTokens = (raw.promptTokenCount ?? 0) + (raw.toolUsePromptTokenCount ?? 0);
  }
  if (raw.candidatesTokenCount !== undefined || raw.thoughtsTokenCount !== undefined) {
    usage.outputTokens = (raw.candidatesTokenCount ?? 0) + (raw.thoughtsTokenCount ?? 0);
  }
  if (raw.thoughtsTokenCount !== undefined) usage.reasoningTokens = raw.thoughtsTokenCount;
  if (raw.cachedContentTokenCount !== undefined) usage.cacheReadTokens = raw.cachedContentTokenCount;
  if (raw.totalTokenCount !== undefined) usage.totalTokens = raw.totalTokenCount;
  return usage;
}

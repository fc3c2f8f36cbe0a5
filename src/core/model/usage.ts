/**
 * Token usage. `inputTokens` counts every prompt token including cache reads and writes
 * (OpenAI's convention); Anthropic's codec subtracts the cache fields on the way out.
 * Unknown is `undefined`, never a fake 0.
 */
export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  /** Part of outputTokens spent on reasoning. */
  reasoningTokens?: number;
  totalTokens?: number;
}

export function totalOf(usage: Usage): number | undefined {
  if (usage.totalTokens !== undefined) return usage.totalTokens;
  if (usage.inputTokens === undefined && usage.outputTokens === undefined) return undefined;
  return (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
}

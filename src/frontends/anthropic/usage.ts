import type { Usage } from "../../core/model/usage.ts";

/** Anthropic's usage object. `input_tokens` excludes cache reads and writes; canonical input includes them. */
export interface AnthropicUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
}

/** Canonical → Anthropic: cache tokens are subtracted from the input (never below 0). Unknown counts are 0. */
export function anthropicUsage(usage: Usage | undefined): AnthropicUsage {
  const cacheRead = usage?.cacheReadTokens ?? 0;
  const cacheWrite = usage?.cacheWriteTokens ?? 0;
  const input = usage?.inputTokens === undefined ? 0 : Math.max(0, usage.inputTokens - cacheRead - cacheWrite);
  return {
    input_tokens: input,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    output_tokens: usage?.outputTokens ?? 0,
  };
}

/**
 * The `message_delta` usage: cumulative totals, with input and cache counts only when known
 * (the SDK keeps the `message_start` values for fields left out).
 */
export function anthropicDeltaUsage(usage: Usage | undefined): Partial<AnthropicUsage> & { output_tokens: number } {
  const full = anthropicUsage(usage);
  return {
    ...(usage?.inputTokens !== undefined && { input_tokens: full.input_tokens }),
    ...(usage?.cacheWriteTokens !== undefined && { cache_creation_input_tokens: full.cache_creation_input_tokens }),
    ...(usage?.cacheReadTokens !== undefined && { cache_read_input_tokens: full.cache_read_input_tokens }),
    output_tokens: full.output_tokens,
  };
}

/** Anthropic → canonical (for codecs reading Anthropic usage): input is the sum of the three input counts. */
export function canonicalUsage(usage: Partial<Record<keyof AnthropicUsage, number | null>>): Usage {
  const input = usage.input_tokens ?? undefined;
  const cacheRead = usage.cache_read_input_tokens ?? undefined;
  const cacheWrite = usage.cache_creation_input_tokens ?? undefined;
  const output = usage.output_tokens ?? undefined;
  const inputTokens = input === undefined ? undefined : input + (cacheRead ?? 0) + (cacheWrite ?? 0);
  return {
    ...(inputTokens !== undefined && { inputTokens }),
    ...(output !== undefined && { outputTokens: output }),
    ...(cacheRead !== undefined && { cacheReadTokens: cacheRead }),
    ...(cacheWrite !== undefined && { cacheWriteTokens: cacheWrite }),
    ...(inputTokens !== undefined && output !== undefined && { totalTokens: inputTokens + output }),
  };
}

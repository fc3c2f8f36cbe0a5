import { createHash } from "node:crypto";

/** What a provider accepts as a tool-call id. */
export interface ToolCallIdRule {
  maxLength: number;
  /** Characters the provider rejects (a global regex); they become `_`. */
  disallowed?: RegExp;
}

/** Chat Completions rejects input ids longer than 40 characters (obs). */
export const chatToolCallIds: ToolCallIdRule = { maxLength: 40 };
/** Responses `call_id` ≤ 64 (obs). */
export const responsesToolCallIds: ToolCallIdRule = { maxLength: 64 };
/** Anthropic `^[a-zA-Z0-9_-]+$` (kept to Bedrock's length, as Claude on Bedrock shares the rule). */
export const anthropicToolCallIds: ToolCallIdRule = { maxLength: 64, disallowed: /[^a-zA-Z0-9_-]/g };
/** Bedrock Converse `toolUseId`: `[a-zA-Z0-9_-]`, 1–64. */
export const bedrockToolCallIds: ToolCallIdRule = anthropicToolCallIds;

const hashLength = 12;

/**
 * A tool-call id the provider accepts, for an id another provider or client minted (Gemini CLI's
 * `name-timestamp-random`, Kimi's `functions.bash:0`, an empty one). An id that already fits is
 * sent as it is; any other is cleaned and cut, and a hash of the original is appended, so two
 * distinct ids never collapse into one. A pure function of the id: a call and its result, mapped
 * separately, always agree.
 */
export function fitToolCallId(id: string, rule: ToolCallIdRule): string {
  const clean = rule.disallowed ? id.replace(rule.disallowed, "_") : id;
  if (clean === id && id.length > 0 && id.length <= rule.maxLength) return id;
  const hash = createHash("sha256").update(id).digest("hex").slice(0, hashLength);
  const head = clean.slice(0, rule.maxLength - hashLength - 1);
  return head === "" ? hash : `${head}_${hash}`;
}

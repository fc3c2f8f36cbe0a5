import type { CanonicalCall, ResponseFormat, ToolChoice } from "../../core/model/call.ts";
import type { CanonicalError } from "../../core/model/errors.ts";
import type { FinishReason } from "../../core/model/events.ts";
import { totalOf, type Usage } from "../../core/model/usage.ts";
import { modelStopError } from "../shared/model-error.ts";
import { openaiErrorObject } from "../shared/openai-errors.ts";
import { instructionsSource } from "./decode.ts";
import { nativeDialect } from "./reasoning-envelope.ts";

/**
 * The Responses `response` object. Every field the OpenResponses schema requires is present;
 * request settings are echoed from the call, and sampling values the client left unset are shown
 * as the API's documented defaults (display only: nothing is sent upstream that the client did
 * not ask for). `store` says whether lipstd keeps the response (then its id is lipstd's own).
 */
export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

export interface Outcome {
  status: ResponseStatus;
  incompleteReason?: "max_output_tokens" | "content_filter";
  error?: { code: string; message: string };
}

/** A kept response has lipstd's own unguessable id; any other shows the upstream's. */
export function responseId(call: CanonicalCall, upstreamId: string): string {
  const kept = call.continuation?.storeAs;
  if (kept !== undefined) return kept;
  return upstreamId.startsWith("resp_") ? upstreamId : `resp_${upstreamId}`;
}

export function outcomeOf(reason: FinishReason | undefined, raw: string | undefined): Outcome {
  switch (reason) {
    case "length":
      return { status: "incomplete", incompleteReason: "max_output_tokens" };
    case "content_filter":
      return { status: "incomplete", incompleteReason: "content_filter" };
    case "error":
      return { status: "failed", error: { code: "model_error", message: modelStopError(raw).message } };
    case "stop":
    case "tool_calls":
    case "pause":
    case "other":
    case undefined:
      return { status: "completed" };
    default: {
      const exhaustive: never = reason;
      return exhaustive;
    }
  }
}

/** `{code, message}` of a failed response; `code` is never null there. */
export function failureOf(error: CanonicalError): { code: string; message: string } {
  const wire = openaiErrorObject(error);
  return { code: wire.code ?? wire.type, message: wire.message };
}

export function responsesUsage(usage: Usage | undefined): Record<string, unknown> | null {
  if (!usage) return null;
  const input = usage.inputTokens ?? 0;
  const output = usage.outputTokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage.cacheReadTokens ?? 0, cache_write_tokens: usage.cacheWriteTokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: totalOf(usage) ?? input + output,
  };
}

function instructionsOf(call: CanonicalCall): string | null {
  const message = call.messages.find((candidate) => candidate.extensions?.[nativeDialect]?.source === instructionsSource);
  if (!message) return null;
  return message.parts.map((part) => (part.type === "text" ? part.text : "")).join("");
}

function toolChoiceOf(choice: ToolChoice | undefined): unknown {
  if (!choice) return "auto";
  return choice.type === "named" ? { type: "function", name: choice.name } : choice.type;
}

function formatOf(format: ResponseFormat | undefined): Record<string, unknown> {
  if (!format || format.type !== "json_schema") return { type: format?.type ?? "text" };
  return { type: "json_schema", name: format.name ?? "response", description: format.description ?? null, schema: format.schema, strict: format.strict ?? false };
}

/**
 * Values the OpenResponses schema allows in the echo. Passthrough fields are forwarded as the
 * client sent them but echoed only when valid (else their default), so a response always
 * parses. `minimal` and `max` efforts are not in the schema's effort enum: they echo as null.
 */
const echoedEfforts: ReadonlySet<string> = new Set(["none", "low", "medium", "high", "xhigh"]);
const verbosities: ReadonlySet<string> = new Set(["low", "medium", "high"]);
const integerOr = <T>(value: unknown, fallback: T) => (Number.isInteger(value) ? (value as number) : fallback);

/** The request-derived fields, fixed for the whole response: built once per response. */
export function responseSettings(call: CanonicalCall): Record<string, unknown> {
  const extra = call.extensions[nativeDialect] ?? {};
  const text: Record<string, unknown> = { format: formatOf(call.options.responseFormat) };
  if (typeof extra.verbosity === "string" && verbosities.has(extra.verbosity)) text.verbosity = extra.verbosity;
  const stringOrNull = (value: unknown) => (typeof value === "string" ? value : null);
  const effort = call.options.reasoning?.effort;
  return {
    instructions: instructionsOf(call),
    max_output_tokens: call.options.maxOutputTokens ?? null,
    max_tool_calls: integerOr(extra.max_tool_calls, null),
    parallel_tool_calls: call.options.parallelToolCalls ?? true,
    previous_response_id: call.continuation?.previousId ?? null,
    prompt_cache_key: stringOrNull(extra.prompt_cache_key),
    reasoning: { effort: effort !== undefined && echoedEfforts.has(effort) ? effort : null, summary: call.options.reasoning?.summary ?? null },
    safety_identifier: call.options.user ?? null,
    service_tier: typeof extra.service_tier === "string" ? extra.service_tier : "default",
    store: call.continuation?.storeAs !== undefined,
    temperature: call.options.temperature ?? 1,
    text,
    tool_choice: toolChoiceOf(call.toolChoice),
    tools: call.tools.map((tool) => ({
      type: "function",
      name: tool.name,
      description: tool.description ?? null,
      parameters: tool.parameters,
      strict: tool.strict ?? null,
    })),
    top_logprobs: integerOr(extra.top_logprobs, 0),
    top_p: call.options.topP ?? 1,
    presence_penalty: call.options.presencePenalty ?? 0,
    frequency_penalty: call.options.frequencyPenalty ?? 0,
    truncation: extra.truncation === "auto" ? "auto" : "disabled",
    user: null,
    metadata: call.metadata ?? {},
  };
}

export interface ResponseSnapshot {
  id: string;
  model: string;
  createdAt: number;
  outcome: Outcome;
  output: unknown[];
  usage: Usage | undefined;
}

export function responseObject(settings: Record<string, unknown>, snapshot: ResponseSnapshot): Record<string, unknown> {
  const { outcome } = snapshot;
  const done = outcome.status !== "in_progress";
  return {
    id: snapshot.id,
    object: "response",
    // An upstream's `created` is passed on unchecked; the schema wants whole seconds.
    created_at: Math.floor(snapshot.createdAt),
    status: outcome.status,
    background: false,
    completed_at: outcome.status === "completed" ? Math.floor(Date.now() / 1000) : null,
    error: outcome.error ?? null,
    incomplete_details: outcome.incompleteReason ? { reason: outcome.incompleteReason } : null,
    model: snapshot.model,
    output: snapshot.output,
    usage: done ? responsesUsage(snapshot.usage) : null,
    ...settings,
  };
}

export function messageItem(id: string, status: string, text: string | undefined): Record<string, unknown> {
  const content = text === undefined ? [] : [{ type: "output_text", annotations: [], logprobs: [], text }];
  return { id, type: "message", status, content, role: "assistant" };
}

export function functionCallItem(id: string, callId: string, name: string, args: string, status: string): Record<string, unknown> {
  return { id, type: "function_call", status, arguments: args, call_id: callId, name };
}

export function reasoningItem(id: string, summary: string[], content: string[], encrypted: string | undefined): Record<string, unknown> {
  const item: Record<string, unknown> = { id, type: "reasoning", summary: summary.map((text) => ({ type: "summary_text", text })) };
  if (content.length > 0) item.content = content.map((text) => ({ type: "reasoning_text", text }));
  if (encrypted !== undefined) item.encrypted_content = encrypted;
  return item;
}

import type { Extensions, Part } from "./parts.ts";

/** Roles across the four dialects; `tool` messages carry tool_result parts. */
export type Role = "system" | "developer" | "user" | "assistant" | "tool";

export interface Message {
  role: Role;
  parts: Part[];
  /** Chat's optional participant name. */
  name?: string;
  extensions?: Extensions;
}

export interface ToolSpec {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  strict?: boolean;
  extensions?: Extensions;
}

export type ToolChoice =
  | { type: "auto" }
  | { type: "none" }
  | { type: "required" }
  | { type: "named"; name: string };

export const reasoningEfforts = ["none", "minimal", "low", "medium", "high", "xhigh", "max"] as const;
export type ReasoningEffort = (typeof reasoningEfforts)[number];

export function isReasoningEffort(value: string): value is ReasoningEffort {
  return (reasoningEfforts as readonly string[]).includes(value);
}

export interface ReasoningOptions {
  /** Absent = the model's default. */
  enabled?: boolean;
  effort?: ReasoningEffort;
  budgetTokens?: number;
  /** Responses `reasoning.summary`. */
  summary?: "auto" | "concise" | "detailed";
  /** Ask for reasoning text/summaries in the output (Gemini includeThoughts, Anthropic thinking display). */
  includeThoughts?: boolean;
  /** Ask for the opaque payload needed for stateless replay (Responses encrypted_content). */
  includeEncrypted?: boolean;
  /** Anthropic's `adaptive`: the model decides. */
  adaptive?: boolean;
}

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name?: string; schema: Record<string, unknown>; strict?: boolean; description?: string };

export interface CallOptions {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stop?: string[];
  reasoning?: ReasoningOptions;
  responseFormat?: ResponseFormat;
  parallelToolCalls?: boolean;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  /** Output length preference (OpenAI `verbosity` / Responses `text.verbosity`); also settable by a route param. */
  verbosity?: "low" | "medium" | "high";
  /** End-user identifier for abuse tracking (Chat `user`/`safety_identifier`, Anthropic metadata.user_id). */
  user?: string;
}

/**
 * Conversation state kept by the gateway, when the client's dialect asks for it (Responses
 * `previous_response_id` and `store`). The server resolves `previousId` before the request
 * stages and stores the finished answer under `storeAs`; a call without it pays nothing.
 */
export interface Continuation {
  /** Continue the conversation stored under this id: it goes right after the preamble. */
  previousId?: string;
  /** Keep this answer and its conversation under this id, which is the id the client is shown. */
  storeAs?: string;
  /**
   * Leading messages that belong to this request alone (Responses `instructions`): a stored
   * conversation is inserted after them, and they are not carried into a continuation.
   */
  preamble: number;
}

/**
 * The protocol-neutral request. A frontend builds it from the client's body; a backend turns it
 * into the provider's request. Options absent here are absent upstream: nothing is defaulted
 * silently (backends that need a value, like Anthropic's max_tokens, choose it visibly).
 */
export interface CanonicalCall {
  /** What the client asked for (selector or model name), before routing. */
  model: string;
  messages: Message[];
  tools: ToolSpec[];
  toolChoice?: ToolChoice;
  options: CallOptions;
  stream: boolean;
  /** The dialect the client spoke; backends of the same dialect may use `extensions[dialect]`. */
  sourceDialect: string;
  /** Request-level dialect-specific fields that must round-trip (e.g. Anthropic `metadata`, `context_management`). */
  extensions: Extensions;
  /** Include usage in streamed output (Chat `stream_options.include_usage`); other dialects always do. */
  includeUsage?: boolean;
  /** Free-form request metadata (Responses/Chat `metadata`). */
  metadata?: Record<string, string>;
  /** Gateway-kept conversation state the client asked for; absent for stateless requests. */
  continuation?: Continuation;
}

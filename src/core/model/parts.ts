/**
 * Content parts of the canonical call. One union for every dialect: a part that a dialect
 * cannot express is a frontend/backend decision (warn, convert or 400), never a new type here.
 */

/** An opaque provider token that must come back unchanged to the provider family that issued it. */
export interface ProviderSignature {
  /** The provider family that minted it: "anthropic", "gemini", "openai-responses", "bedrock", … */
  dialect: string;
  value: string;
}

/** Dialect-specific fields that must round-trip to a backend of the same dialect (e.g. cache_control). */
export type Extensions = Record<string, Record<string, unknown>>;

export type MediaSource =
  | { kind: "url"; url: string; mediaType?: string }
  | { kind: "base64"; mediaType: string; data: string }
  | { kind: "file_id"; fileId: string; mediaType?: string }
  | { kind: "text"; text: string; mediaType?: string };

export interface TextPart {
  type: "text";
  text: string;
  /** Gemini attaches thought signatures to ordinary parts too. */
  signature?: ProviderSignature;
  extensions?: Extensions;
}

export interface ImagePart {
  type: "image";
  source: MediaSource;
  detail?: "auto" | "low" | "high";
  extensions?: Extensions;
}

export interface FilePart {
  type: "file";
  source: MediaSource;
  filename?: string;
  extensions?: Extensions;
}

export interface ToolCallPart {
  type: "tool_call";
  id: string;
  name: string;
  /** Always a JSON text, as the model produced it: dialects with object arguments parse at the edge. */
  arguments: string;
  signature?: ProviderSignature;
  extensions?: Extensions;
}

export interface ToolResultPart {
  type: "tool_result";
  callId: string;
  /** Gemini matches results by name; other dialects carry it when known. */
  name?: string;
  content: Array<TextPart | ImagePart | FilePart>;
  isError?: boolean;
  extensions?: Extensions;
}

/**
 * Model reasoning. `text` is visible thinking or a summary; `signature` authenticates it
 * (Anthropic thinking, Gemini thoughtSignature); `opaque` is an encrypted/redacted payload
 * (Anthropic redacted_thinking, Responses encrypted_content, Bedrock redactedContent).
 * Only the issuing dialect can verify either, so backends drop foreign ones.
 */
export interface ReasoningPart {
  type: "reasoning";
  text: string;
  /** "thinking" = raw chain of thought; "summary" = a provider-written summary. */
  kind?: "thinking" | "summary";
  signature?: ProviderSignature;
  opaque?: ProviderSignature;
  /** Provider item id (Responses `rs_…`), kept so the item can be replayed as it was. */
  id?: string;
  extensions?: Extensions;
}

export type Part = TextPart | ImagePart | FilePart | ToolCallPart | ToolResultPart | ReasoningPart;

import type { ProviderSignature } from "../../core/model/parts.ts";
import { isProviderSignature, openEnvelope, sealEnvelope } from "../shared/envelope.ts";

export const anthropicDialect = "anthropic";

/** What authenticates one reasoning block, as the canonical model holds it. */
export interface ReasoningTokens {
  signature?: ProviderSignature;
  opaque?: ProviderSignature;
  id?: string;
  kind?: "thinking" | "summary";
  /** Set on a carrier block: `signature` belongs to the tool call with this id, not to reasoning. */
  forCall?: string;
}

/**
 * Policy for reasoning tokens that Anthropic's wire has no slot for. A thinking block has one
 * `signature` string and a redacted block one `data` string; both are opaque to clients, which
 * echo them back unchanged. Anthropic-minted values travel raw. Anything else — a signature from
 * another provider family, or a block carrying a signature and an opaque payload and an item id at
 * once — travels wrapped as `lip1:` + base64url(JSON), and comes back with its original dialect.
 * So an Anthropic backend never receives a foreign token it would reject, and a Gemini or Responses
 * backend gets its own token back across an Anthropic-speaking client. The `:` cannot occur in a
 * real (base64) Anthropic value, so the prefix never shadows one.
 *
 * A tool call's own signature (Gemini signs function calls, and Gemini 3 rejects a turn whose
 * calls lost theirs) has no slot on a `tool_use` block: it rides in a carrier thinking block
 * with empty text placed just before that tool_use, marked with the call id, and is put back on
 * the call when the client echoes the turn.
 */
const wrapPrefix = "lip1:";

interface Wrapped {
  s?: ProviderSignature;
  o?: ProviderSignature;
  id?: string;
  k?: "thinking" | "summary";
  c?: string;
}

function wrap(tokens: ReasoningTokens): string {
  const payload: Wrapped = {
    ...(tokens.signature && { s: tokens.signature }),
    ...(tokens.opaque && { o: tokens.opaque }),
    ...(tokens.id !== undefined && { id: tokens.id }),
    ...(tokens.kind === "summary" && { k: tokens.kind }),
    ...(tokens.forCall !== undefined && { c: tokens.forCall }),
  };
  return sealEnvelope(wrapPrefix, payload);
}

function isAnthropic(token: ProviderSignature | undefined): token is ProviderSignature {
  return token !== undefined && token.dialect === anthropicDialect;
}

/** The `signature` of a thinking block ("" when there is nothing to authenticate). */
export function thinkingSignatureText(tokens: ReasoningTokens): string {
  const plain = !tokens.opaque && tokens.id === undefined && tokens.forCall === undefined;
  if (plain && !tokens.signature) return "";
  if (plain && isAnthropic(tokens.signature)) return tokens.signature.value;
  return wrap(tokens);
}

/** The `data` of a redacted_thinking block. */
export function redactedDataText(tokens: ReasoningTokens): string {
  if (isAnthropic(tokens.opaque) && !tokens.signature && tokens.id === undefined && tokens.forCall === undefined) return tokens.opaque.value;
  return wrap(tokens);
}

function unwrap(text: string): ReasoningTokens | undefined {
  const payload = openEnvelope(wrapPrefix, text);
  if (!payload) return undefined;
  const { s, o, id, k, c } = payload;
  if ((s !== undefined && !isProviderSignature(s)) || (o !== undefined && !isProviderSignature(o))) return undefined;
  return {
    ...(s !== undefined && { signature: s }),
    ...(o !== undefined && { opaque: o }),
    ...(typeof id === "string" && { id }),
    ...((k === "summary" || k === "thinking") && { kind: k }),
    ...(typeof c === "string" && { forCall: c }),
  };
}

/** The carrier thinking block for a tool call's signature (see above). */
export function callSignatureCarrier(callId: string, signature: ProviderSignature): { type: "thinking"; thinking: ""; signature: string } {
  return { type: "thinking", thinking: "", signature: wrap({ signature, forCall: callId }) };
}

/** Reads a client's echoed `signature` (thinking) or `data` (redacted_thinking) back into tokens. */
export function readReasoningTokens(text: string, slot: "signature" | "opaque"): ReasoningTokens {
  if (text === "") return {};
  const tokens = unwrap(text);
  if (tokens) return tokens;
  return { [slot]: { dialect: anthropicDialect, value: text } };
}

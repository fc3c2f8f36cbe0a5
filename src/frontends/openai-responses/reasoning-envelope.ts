import type { ProviderSignature } from "../../core/model/parts.ts";
import { openEnvelope, readSignature, sealEnvelope } from "../shared/envelope.ts";

/**
 * Responses has exactly one place for provider state a client must send back unchanged: a
 * reasoning item's `encrypted_content`. Responses backends' own payloads pass through as they
 * are. Any other dialect's signature (Anthropic thinking signatures, Gemini thought signatures,
 * Bedrock redacted content) is wrapped in a lipstd envelope so it survives a stateless client
 * such as Codex and reaches the backend family that minted it on the next turn.
 *
 * The envelope also keeps the exact reasoning text: a signature covers that text, and clients
 * do not reliably echo it (Codex drops `reasoning_text` content when it replays an item).
 * `c` marks a carrier for a tool call's signature (Gemini signs function calls), which has no
 * slot of its own on a `function_call` item.
 */
export const nativeDialect = "openai-responses";
const prefix = "lipstd.v1:";

export interface ReasoningEnvelope {
  /** The canonical reasoning text the signature covers. */
  t?: string;
  /** The canonical reasoning kind. */
  k?: "thinking" | "summary";
  s?: ProviderSignature;
  o?: ProviderSignature;
  /** Call id whose tool-call signature this item carries (then `s` is that signature). */
  c?: string;
}

export function wrapEnvelope(envelope: ReasoningEnvelope): string {
  return sealEnvelope(prefix, envelope);
}

/** The envelope inside `encrypted_content`, or undefined when it is not a well-formed lipstd envelope. */
export function unwrapEnvelope(encrypted: string): ReasoningEnvelope | undefined {
  const raw = openEnvelope(prefix, encrypted);
  if (!raw) return undefined;
  const envelope: ReasoningEnvelope = {};
  const signature = readSignature(raw.s);
  const opaque = readSignature(raw.o);
  if (typeof raw.t === "string") envelope.t = raw.t;
  if (raw.k === "thinking" || raw.k === "summary") envelope.k = raw.k;
  if (signature) envelope.s = signature;
  if (opaque) envelope.o = opaque;
  if (typeof raw.c === "string") envelope.c = raw.c;
  return envelope;
}

/**
 * The `encrypted_content` for a reasoning block: a native Responses payload as it is, anything
 * foreign wrapped with its text, nothing when the block carries no provider state.
 */
export function encryptedContentFor(
  text: string,
  kind: "thinking" | "summary" | undefined,
  signature: ProviderSignature | undefined,
  opaque: ProviderSignature | undefined,
): string | undefined {
  if (!signature && !opaque) return undefined;
  if (!signature && opaque?.dialect === nativeDialect) return opaque.value;
  return wrapEnvelope({
    t: text,
    ...(kind && { k: kind }),
    ...(signature && { s: signature }),
    ...(opaque && { o: opaque }),
  });
}

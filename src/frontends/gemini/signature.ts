import type { ProviderSignature, ReasoningPart } from "../../core/model/parts.ts";
import { readSignature } from "../shared/envelope.ts";

/**
 * Gemini clients keep one opaque `thoughtSignature` per part and echo it back unchanged. A
 * signature minted by Gemini travels as it is. Anything else (an Anthropic thinking signature, a
 * Responses encrypted reasoning item, a local-stub token) is wrapped in a self-describing envelope
 * — still valid base64, like Gemini's own — so it comes back to the backend dialect that issued it.
 *
 * Gemini CLI drops `thought` parts from its history but keeps the signature of a `functionCall`
 * part (where Gemini 3 puts its own). So foreign reasoning that precedes a tool call is also
 * carried whole inside the first call's envelope: a tool loop through a Gemini client keeps the
 * signed thinking an Anthropic or Responses backend needs on the next turn.
 */
export const geminiDialect = "gemini";

/** base64("lipstdsig"): nine bytes, a multiple of three, so the envelope is the prefix + base64(JSON). */
const envelopePrefix = "bGlwc3Rkc2ln";

export interface CarriedReasoning {
  text: string;
  kind?: "thinking" | "summary";
  signature?: ProviderSignature;
  opaque?: ProviderSignature;
  id?: string;
}

export interface SignatureEnvelope {
  signature?: ProviderSignature;
  opaque?: ProviderSignature;
  kind?: "thinking" | "summary";
  id?: string;
  reasoning?: CarriedReasoning[];
}

function isEmpty(envelope: SignatureEnvelope): boolean {
  return !envelope.signature && !envelope.opaque && !envelope.id && envelope.kind === undefined && !envelope.reasoning?.length;
}

/** The `thoughtSignature` for a part, or undefined when it needs none. */
export function encodeThoughtSignature(envelope: SignatureEnvelope): string | undefined {
  if (isEmpty(envelope)) return undefined;
  const { signature, ...rest } = envelope;
  if (signature?.dialect === geminiDialect && isEmpty(rest)) return signature.value;
  return envelopePrefix + Buffer.from(JSON.stringify(envelope)).toString("base64");
}

function readKind(value: unknown): "thinking" | "summary" | undefined {
  return value === "thinking" || value === "summary" ? value : undefined;
}

function readCarried(value: unknown): CarriedReasoning[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((item): CarriedReasoning[] => {
    if (item === null || typeof item !== "object" || typeof (item as { text?: unknown }).text !== "string") return [];
    const entry = item as Record<string, unknown>;
    const signature = readSignature(entry.signature);
    const opaque = readSignature(entry.opaque);
    const kind = readKind(entry.kind);
    return [{ text: entry.text as string, ...(signature && { signature }), ...(opaque && { opaque }), ...(kind && { kind }), ...(typeof entry.id === "string" && { id: entry.id }) }];
  });
}

/** A client's `thoughtSignature` back to what it stood for; a Gemini value stays a Gemini signature. */
export function decodeThoughtSignature(value: string): SignatureEnvelope {
  if (!value.startsWith(envelopePrefix)) return { signature: { dialect: geminiDialect, value } };
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value.slice(envelopePrefix.length), "base64").toString("utf8"));
    if (parsed === null || typeof parsed !== "object") throw new Error("not an object");
    const raw = parsed as Record<string, unknown>;
    const signature = readSignature(raw.signature);
    const opaque = readSignature(raw.opaque);
    const kind = readKind(raw.kind);
    const reasoning = readCarried(raw.reasoning);
    return {
      ...(signature && { signature }),
      ...(opaque && { opaque }),
      ...(kind && { kind }),
      ...(typeof raw.id === "string" && { id: raw.id }),
      ...(reasoning && reasoning.length > 0 && { reasoning }),
    };
  } catch {
    // Not ours after all (or damaged): hand it on as Gemini's; only Gemini can judge it.
    return { signature: { dialect: geminiDialect, value } };
  }
}

/** Reasoning that must be carried: signed or opaque by a dialect other than Gemini. */
export function needsCarrying(part: Pick<ReasoningPart, "signature" | "opaque">): boolean {
  return (part.signature !== undefined && part.signature.dialect !== geminiDialect) || part.opaque !== undefined;
}

export function carriedToReasoning(carried: CarriedReasoning): ReasoningPart {
  return {
    type: "reasoning",
    text: carried.text,
    kind: carried.kind ?? "thinking",
    ...(carried.signature && { signature: carried.signature }),
    ...(carried.opaque && { opaque: carried.opaque }),
    ...(carried.id && { id: carried.id }),
  };
}

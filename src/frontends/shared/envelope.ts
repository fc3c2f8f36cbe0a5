import type { ProviderSignature } from "../../core/model/parts.ts";
import type { JsonObject } from "./validate.ts";

/**
 * Provider state a dialect has no slot for travels through the client inside a string the client
 * echoes back unchanged: the dialect's own prefix + base64url(JSON). Each dialect picks the
 * prefix and the payload; the client never looks inside.
 */
export function sealEnvelope(prefix: string, payload: object): string {
  return prefix + Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
}

/** The payload of a sealed envelope, or undefined when `text` is not one (another prefix, damaged, not an object). */
export function openEnvelope(prefix: string, text: string): JsonObject | undefined {
  if (!text.startsWith(prefix)) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(text.slice(prefix.length), "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return undefined;
  return payload as JsonObject;
}

export function isProviderSignature(value: unknown): value is ProviderSignature {
  if (value === null || typeof value !== "object") return false;
  const record = value as Record<string, unknown>;
  return typeof record.dialect === "string" && typeof record.value === "string";
}

/** A signature read back from an envelope: only its dialect and value, or undefined when it is not one. */
export function readSignature(value: unknown): ProviderSignature | undefined {
  return isProviderSignature(value) ? { dialect: value.dialect, value: value.value } : undefined;
}

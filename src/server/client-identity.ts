import type { CanonicalCall } from "../core/model/call.ts";

const credentialHeaders = ["authorization", "x-api-key", "x-goog-api-key", "api-key"];

/** The credential the client presented in a header, as sent. */
function credential(headers: Headers): string | undefined {
  for (const name of credentialHeaders) {
    const value = headers.get(name);
    if (value) return value;
  }
  return undefined;
}

/** A hash of the credential the client presented (never the credential itself). */
function credentialHash(headers: Headers): string | undefined {
  const value = credential(headers);
  return value ? `key:${Bun.CryptoHasher.hash("sha256", value, "hex").slice(0, 32)}` : undefined;
}

function explicitClientId(headers: Headers): string | undefined {
  const explicit = headers.get("x-lip-client-id")?.trim();
  return explicit ? `id:${explicit.slice(0, 256)}` : undefined;
}

/**
 * Who the client is, for `affinity=client`: an explicit `X-LIP-Client-Id`, else a hash of the
 * credential it presented, else the end-user id in the body.
 */
export function clientIdentity(headers: Headers, call: CanonicalCall): string | undefined {
  return explicitClientId(headers) ?? credentialHash(headers) ?? (call.options.user ? `user:${call.options.user.slice(0, 256)}` : undefined);
}

/**
 * Who owns a kept response: the credential the client presented, else its `X-LIP-Client-Id`.
 * The credential comes first because a header naming a client can be sent by anyone.
 */
export function ownerIdentity(headers: Headers): string | undefined {
  return credentialHash(headers) ?? explicitClientId(headers);
}

/**
 * Everything that tells one client from another, for the conversation fingerprint: the explicit
 * client id, the credential (a header, or Gemini's `?key=`), the end-user id in the body and the
 * client's address. All of it is stable across the turns of one conversation; the fingerprint
 * hashes it with the conversation's start, so none of it is kept.
 */
export function conversationScope(headers: Headers, url: URL, call: CanonicalCall, peer: string | undefined): string | undefined {
  const parts: string[] = [];
  const explicit = headers.get("x-lip-client-id")?.trim();
  if (explicit) parts.push(`id=${explicit}`);
  const key = credential(headers) ?? (url.search === "" ? null : url.searchParams.get("key"));
  if (key) parts.push(`key=${key}`);
  if (call.options.user) parts.push(`user=${call.options.user}`);
  if (peer) parts.push(`peer=${peer}`);
  return parts.length === 0 ? undefined : parts.join("\u0000");
}

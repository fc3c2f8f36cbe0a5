import { createHash } from "node:crypto";
import type { CanonicalCall } from "../core/model/call.ts";

const credentialHeaders = ["authorization", "x-api-key", "x-goog-api-key", "api-key"];

/** A hash of the credential the client presented (never the credential itself). */
function credentialHash(headers: Headers): string | undefined {
  for (const name of credentialHeaders) {
    const value = headers.get(name);
    if (value) return `key:${createHash("sha256").update(value).digest("hex").slice(0, 32)}`;
  }
  return undefined;
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

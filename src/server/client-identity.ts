import { createHash } from "node:crypto";
import type { CanonicalCall } from "../core/model/call.ts";

const credentialHeaders = ["authorization", "x-api-key", "x-goog-api-key", "api-key"];

/**
 * Who the client is, for `affinity=client`: an explicit `X-LIP-Client-Id`, else a hash of the
 * credential it presented (never the credential itself), else the end-user id in the body.
 */
export function clientIdentity(headers: Headers, call: CanonicalCall): string | undefined {
  const explicit = headers.get("x-lip-client-id")?.trim();
  if (explicit) return `id:${explicit.slice(0, 256)}`;
  for (const name of credentialHeaders) {
    const value = headers.get(name);
    if (value) return `key:${createHash("sha256").update(value).digest("hex").slice(0, 32)}`;
  }
  return call.options.user ? `user:${call.options.user.slice(0, 256)}` : undefined;
}

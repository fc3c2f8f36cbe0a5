import type { CanonicalCall, Message } from "../model/call.ts";
import type { MediaSource } from "../model/parts.ts";
import { invalidRequest } from "../model/errors.ts";
import { randomId } from "../model/ids.ts";
import type { ALegIdentity } from "./types.ts";

const aLegPattern = /^a_[0-9a-f]{32}$/;
const maxSessionIdLength = 512;

function hashId(domain: string, text: string): string {
  return `a_${Bun.CryptoHasher.hash("sha256", `${domain}\u0000${text}`, "hex").slice(0, 32)}`;
}

function mediaKey(source: MediaSource): string {
  switch (source.kind) {
    case "url":
      return source.url;
    case "base64":
      // Length and head are enough to tell attachments apart without hashing megabytes.
      return `${source.mediaType}:${source.data.length}:${source.data.slice(0, 64)}`;
    case "file_id":
      return source.fileId;
    case "text":
      return source.text;
    default: {
      const exhaustive: never = source;
      return exhaustive;
    }
  }
}

function messageText(message: Message): string {
  return message.parts
    .map((part) => {
      switch (part.type) {
        case "text":
          return part.text;
        case "image":
        case "file":
          return `[${part.type}:${mediaKey(part.source)}]`;
        case "tool_call":
        case "tool_result":
        case "reasoning":
          return "";
        default: {
          const exhaustive: never = part;
          return exhaustive;
        }
      }
    })
    .join("");
}

/**
 * Which conversation a request belongs to, without knowing its dialect:
 * 1. `X-LIP-A-Leg-Id: a_<32 hex>` names the A-leg directly (as returned in a previous answer);
 * 2. `X-LIP-Session-Id: <any client string>` maps to a stable A-leg;
 * 3. otherwise a fingerprint of the conversation's start (system/developer text and the first
 *    user message), which every later turn repeats, so all turns of a chat share an A-leg.
 *    `clientScope` (who is asking: the server passes its credential, address, end-user id) is
 *    part of the fingerprint, so two clients that open with the same words ("hi") under the same
 *    system prompt do not share lineage, affinity or `[first]` state. It is hashed, never stored.
 * A request with no user message starts a fresh A-leg.
 */
export function identifyALeg(headers: Headers, call: CanonicalCall, clientScope?: string): { id: string; identity: ALegIdentity } {
  const explicit = headers.get("x-lip-a-leg-id")?.trim();
  if (explicit) {
    if (!aLegPattern.test(explicit)) throw invalidRequest("X-LIP-A-Leg-Id must be 'a_' followed by 32 lowercase hex digits", "X-LIP-A-Leg-Id", "invalid_a_leg_id");
    return { id: explicit, identity: "a_leg_header" };
  }
  const session = headers.get("x-lip-session-id")?.trim();
  if (session) {
    if (session.length > maxSessionIdLength) throw invalidRequest(`X-LIP-Session-Id is longer than ${maxSessionIdLength} characters`, "X-LIP-Session-Id", "invalid_session_id");
    return { id: hashId("session", session), identity: "session_header" };
  }
  const firstUser = call.messages.find((message) => message.role === "user");
  if (!firstUser) return { id: randomId("a_"), identity: "fresh" };
  const preamble = call.messages
    .filter((message) => message.role === "system" || message.role === "developer")
    .map(messageText)
    .join("\u0001");
  const conversation = `${preamble}\u0002${messageText(firstUser)}`;
  const id = clientScope === undefined ? hashId("conversation", conversation) : hashId("client conversation", `${clientScope}\u0003${conversation}`);
  return { id, identity: "fingerprint" };
}

/** A call that carries no earlier assistant turn starts a conversation. */
export function startsConversation(call: CanonicalCall): boolean {
  return !call.messages.some((message) => message.role === "assistant");
}

import type { MediaSource, Part } from "../model/parts.ts";
import type { StoredConversation } from "./conversation-types.ts";

function sourceSize(source: MediaSource): number {
  switch (source.kind) {
    case "url":
      return source.url.length;
    case "base64":
      return source.data.length;
    case "file_id":
      return source.fileId.length;
    case "text":
      return source.text.length;
    default: {
      const exhaustive: never = source;
      return exhaustive;
    }
  }
}

function partSize(part: Part): number {
  switch (part.type) {
    case "text":
      return part.text.length + (part.signature?.value.length ?? 0);
    case "image":
    case "file":
      return sourceSize(part.source);
    case "tool_call":
      return part.name.length + part.arguments.length + (part.signature?.value.length ?? 0);
    case "tool_result":
      return part.content.reduce((total, item) => total + partSize(item), 0);
    case "reasoning":
      return part.text.length + (part.signature?.value.length ?? 0) + (part.opaque?.value.length ?? 0);
    default: {
      const exhaustive: never = part;
      return exhaustive;
    }
  }
}

/** Per message and part: ids, roles and JSON punctuation the walk does not count. */
const overhead = 64;

/**
 * What a record weighs in memory, roughly: the strings that can be large (texts, media data,
 * arguments, signatures), without serialising the conversation. The rendered response repeats
 * the answer, so the answer counts twice.
 */
export function conversationSize(record: StoredConversation): number {
  let size = overhead;
  for (const message of record.messages) {
    size += overhead;
    for (const part of message.parts) size += overhead + partSize(part);
  }
  for (const part of record.output) size += 2 * (overhead + partSize(part));
  return size;
}

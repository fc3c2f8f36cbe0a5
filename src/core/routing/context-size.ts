import type { CanonicalCall } from "../model/call.ts";

/**
 * A cheap token estimate of the request context for `[min_context]`/`[max_context]`: about four
 * characters per token over the text a model reads, plus a flat cost per image or file.
 */
export function estimateContextTokens(call: CanonicalCall): number {
  let characters = 0;
  let media = 0;
  for (const message of call.messages) {
    for (const part of message.parts) {
      switch (part.type) {
        case "text":
        case "reasoning":
          characters += part.text.length;
          break;
        case "tool_call":
          characters += part.name.length + part.arguments.length;
          break;
        case "tool_result":
          for (const item of part.content) {
            if (item.type === "text") characters += item.text.length;
            else media++;
          }
          break;
        case "image":
        case "file":
          media++;
          break;
        default: {
          const exhaustive: never = part;
          return exhaustive;
        }
      }
    }
  }
  for (const tool of call.tools) characters += tool.name.length + (tool.description?.length ?? 0) + JSON.stringify(tool.parameters).length;
  return Math.ceil(characters / 4) + media * 1000;
}

import type { CollectedResponse } from "../../core/collect.ts";
import type { CanonicalCall } from "../../core/model/call.ts";
import { randomId } from "../../core/model/ids.ts";
import type { Part } from "../../core/model/parts.ts";
import { encryptedContentFor, wrapEnvelope } from "./reasoning-envelope.ts";
import { functionCallItem, messageItem, outcomeOf, reasoningItem, responseId, responseObject, responseSettings } from "./response-object.ts";

/**
 * Output items of a whole answer, in block order, shaped as the stream encoder's
 * `output_item.done` items. `newId` mints item ids (random unless a listing needs stable ones).
 */
export function outputItems(parts: readonly Part[], newId: (prefix: string) => string = randomId): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  for (const part of parts) {
    switch (part.type) {
      case "text":
        items.push(messageItem(newId("msg_"), "completed", part.text));
        break;
      case "reasoning": {
        const summary = part.kind === "summary" && part.text !== "" ? [part.text] : [];
        const content = part.kind !== "summary" && part.text !== "" ? [part.text] : [];
        items.push(reasoningItem(part.id || newId("rs_"), summary, content, encryptedContentFor(part.text, part.kind, part.signature, part.opaque)));
        break;
      }
      case "tool_call":
        if (part.signature) items.push(reasoningItem(newId("rs_"), [], [], wrapEnvelope({ c: part.id, s: part.signature })));
        items.push(functionCallItem(newId("fc_"), part.id, part.name, part.arguments, "completed"));
        break;
      case "image":
      case "file":
      case "tool_result":
        // Not produced by a model turn; nothing in Responses output could hold them.
        break;
      default: {
        const exhaustive: never = part;
        return exhaustive;
      }
    }
  }
  return items;
}

export function encodeResponsesResponse(response: CollectedResponse, call: CanonicalCall): unknown {
  const outcome = outcomeOf(response.finishReason, response.rawFinishReason);
  const output = outputItems(response.parts);
  // As in the stream, only the item that was cut off is incomplete.
  const last = output.at(-1);
  if (outcome.status === "incomplete" && last && "status" in last) last.status = "incomplete";
  return responseObject(responseSettings(call), {
    id: responseId(call, response.id || randomId("")),
    model: response.model || call.model,
    createdAt: response.created || Math.floor(Date.now() / 1000),
    outcome,
    output,
    usage: response.usage,
  });
}

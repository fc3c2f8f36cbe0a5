import { createHash } from "node:crypto";
import type { Message } from "../../core/model/call.ts";
import type { FilePart, ImagePart, Part, TextPart } from "../../core/model/parts.ts";
import { outputItems } from "./encode-response.ts";
import { nativeDialect } from "./reasoning-envelope.ts";

type Item = Record<string, unknown>;
type ContentPart = TextPart | ImagePart | FilePart;

const idPrefixes: Record<string, string> = {
  message: "msg_",
  reasoning: "rs_",
  function_call: "fc_",
  custom_tool_call: "ctc_",
  function_call_output: "fco_",
  custom_tool_call_output: "ctco_",
};

function mediaUrl(source: ImagePart["source"]): string | undefined {
  switch (source.kind) {
    case "url":
      return source.url;
    case "base64":
      return `data:${source.mediaType};base64,${source.data}`;
    case "file_id":
    case "text":
      return undefined;
    default: {
      const exhaustive: never = source;
      return exhaustive;
    }
  }
}

function inputContent(part: ContentPart): Item {
  switch (part.type) {
    case "text":
      return { type: "input_text", text: part.text };
    case "image":
      if (part.source.kind === "text") return { type: "input_text", text: part.source.text };
      return {
        type: "input_image",
        detail: part.detail ?? "auto",
        image_url: mediaUrl(part.source) ?? null,
        ...(part.source.kind === "file_id" && { file_id: part.source.fileId }),
      };
    case "file": {
      const source = part.source;
      if (source.kind === "text") return { type: "input_text", text: source.text };
      const filename = part.filename === undefined ? {} : { filename: part.filename };
      if (source.kind === "file_id") return { type: "input_file", file_id: source.fileId, ...filename };
      if (source.kind === "url") return { type: "input_file", file_url: source.url, ...filename };
      return { type: "input_file", file_data: mediaUrl(source), ...filename };
    }
    default: {
      const exhaustive: never = part;
      return exhaustive;
    }
  }
}

function isContent(part: Part): part is ContentPart {
  return part.type === "text" || part.type === "image" || part.type === "file";
}

/** A custom tool's call keeps its freeform input (decoded as arguments `{"input": …}`). */
function customCall(item: Item, part: Extract<Part, { type: "tool_call" }>): Item {
  let input: unknown = part.arguments;
  try {
    input = (JSON.parse(part.arguments) as { input?: unknown }).input ?? part.arguments;
  } catch {
    // Not the JSON the decoder made: show the arguments as they are.
  }
  return { id: item.id, type: "custom_tool_call", status: "completed", call_id: part.id, name: part.name, input };
}

function assistantItems(parts: readonly Part[]): Item[] {
  const items = outputItems(parts);
  const calls = parts.filter((part) => part.type === "tool_call");
  return items.map((item) => {
    if (item.type !== "function_call") return item;
    const part = calls.find((candidate) => candidate.id === item.call_id);
    return part?.extensions?.[nativeDialect]?.type === "custom_tool_call" ? customCall(item, part) : item;
  });
}

function messageItems(message: Message): Item[] {
  switch (message.role) {
    case "system":
    case "developer":
    case "user": {
      const content = message.parts.filter(isContent).map(inputContent);
      return content.length > 0 ? [{ type: "message", role: message.role, status: "completed", content }] : [];
    }
    case "assistant":
      return assistantItems(message.parts);
    case "tool":
      return message.parts.flatMap((part): Item[] => {
        if (part.type !== "tool_result") return isContent(part) ? [{ type: "message", role: "user", status: "completed", content: [inputContent(part)] }] : [];
        const custom = part.extensions?.[nativeDialect]?.type === "custom_tool_call_output";
        const text = part.content.every((item) => item.type === "text");
        const output = text ? part.content.map((item) => (item as TextPart).text).join("") : part.content.map(inputContent);
        return [{ type: custom ? "custom_tool_call_output" : "function_call_output", status: "completed", call_id: part.callId, output }];
      });
    default: {
      const exhaustive: never = message.role;
      return exhaustive;
    }
  }
}

/**
 * The input items of a kept response (`GET /v1/responses/{id}/input_items`): its conversation
 * without the instructions, earlier turns included, oldest first. Ids are derived from the
 * response id and the position, so they stay the same from one listing (page) to the next.
 */
export function inputItems(responseId: string, messages: readonly Message[]): Item[] {
  const items = messages.flatMap(messageItems);
  return items.map((item, position) => {
    const prefix = idPrefixes[String(item.type)] ?? "item_";
    const digest = createHash("sha256").update(`${responseId}\u0000${position}`).digest("hex").slice(0, 32);
    const { id: _replaced, ...fields } = item;
    return { id: prefix + digest, ...fields };
  });
}

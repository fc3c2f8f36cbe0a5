import type { Message } from "../../core/model/call.ts";
import { invalidRequest } from "../../core/model/errors.ts";
import type { Part, ReasoningPart, ToolResultPart } from "../../core/model/parts.ts";
import { argumentsObject } from "../../core/model/tool-arguments.ts";
import { isBlankText, trimFinalAssistantText } from "../shared/claude-text.ts";
import { anthropicToolCallIds, fitToolCallId } from "../shared/tool-call-id.ts";
import { anthropicFields, type Block, contentBlock } from "./content.ts";

export interface WireMessage {
  role: "user" | "assistant";
  content: Block[];
}

export interface Warning {
  code: string;
  message: string;
}

/** The same function maps a call's id and its result's. */
function toolUseId(id: string): string {
  return fitToolCallId(id, anthropicToolCallIds);
}

/**
 * Reasoning can only go back to the family that signed it. Anthropic-signed thinking and
 * redacted thinking return unchanged; anything else (OpenAI encrypted items, Gemini thought
 * signatures, unsigned text from Chat `reasoning_content`) cannot be verified and is dropped.
 */
function reasoningBlock(part: ReasoningPart): Block | undefined {
  if (part.opaque?.dialect === "anthropic") return { ...anthropicFields(part), type: "redacted_thinking", data: part.opaque.value };
  if (part.signature?.dialect === "anthropic") return { ...anthropicFields(part), type: "thinking", thinking: part.text, signature: part.signature.value };
  return undefined;
}

function toolResultBlock(part: ToolResultPart, path: string): Block {
  const blocks = part.content.flatMap((item, i) => contentBlock(item, `${path}.content[${i}]`) ?? []);
  const plain = blocks.every((block) => block.type === "text" && Object.keys(block).length === 2);
  const content = plain ? blocks.map((block) => block.text as string).join("") : blocks;
  return {
    ...anthropicFields(part),
    type: "tool_result",
    tool_use_id: toolUseId(part.callId),
    ...((plain ? content !== "" : blocks.length > 0) && { content }),
    ...(part.isError && { is_error: true }),
  };
}

function block(part: Part, role: "user" | "assistant", path: string, warnings: Warning[]): Block | undefined {
  switch (part.type) {
    case "text":
    case "image":
    case "file":
      if (role === "assistant" && part.type !== "text") {
        warnings.push({ code: "content_dropped", message: `${path}: Anthropic assistant turns hold no ${part.type} content; it was left out` });
        return undefined;
      }
      return contentBlock(part, path);
    case "tool_call":
      if (role !== "assistant") throw invalidRequest(`${path}: a tool call must be in an assistant message`, path);
      return { ...anthropicFields(part), type: "tool_use", id: toolUseId(part.id), name: part.name, input: argumentsObject(part.arguments) };
    case "tool_result":
      if (role !== "user") throw invalidRequest(`${path}: a tool result must follow the assistant's call in a user or tool message`, path);
      return toolResultBlock(part, path);
    case "reasoning":
      return role === "assistant" ? reasoningBlock(part) : undefined;
    default: {
      const exhaustive: never = part;
      return exhaustive;
    }
  }
}

function systemBlocks(message: Message, path: string): Block[] {
  return message.parts.flatMap((part, j) => {
    if (part.type !== "text") throw invalidRequest(`${path}.parts[${j}]: Anthropic system prompts hold text only, got ${part.type}`, `${path}.parts[${j}]`, "unsupported_content");
    return isBlankText(part.text) ? [] : [{ ...anthropicFields(part), type: "text", text: part.text }];
  });
}

/** Tool results must open a user turn: a stable partition keeps every other order as it was. */
function resultsFirst(content: Block[]): Block[] {
  if (!content.some((item) => item.type === "tool_result")) return content;
  return [...content.filter((item) => item.type === "tool_result"), ...content.filter((item) => item.type !== "tool_result")];
}

/**
 * Canonical messages → Anthropic `system` and `messages`. System and developer messages are
 * hoisted into `system` in order; `tool` messages become user turns; empty turns are dropped and
 * consecutive same-role turns merged (the API requires alternation), results first; a final
 * assistant prefill ends without whitespace.
 */
export function convertMessages(messages: readonly Message[], warnings: Warning[]): { system: Block[]; messages: WireMessage[] } {
  const system: Block[] = [];
  const wire: WireMessage[] = [];
  messages.forEach((message, i) => {
    const path = `messages[${i}]`;
    if (message.role === "system" || message.role === "developer") {
      system.push(...systemBlocks(message, path));
      return;
    }
    const role = message.role === "assistant" ? "assistant" : "user";
    const content = message.parts.flatMap((part, j) => block(part, role, `${path}.parts[${j}]`, warnings) ?? []);
    if (content.length === 0) return;
    const previous = wire.at(-1);
    if (previous?.role === role) previous.content.push(...content);
    else wire.push({ role, content });
  });
  for (const message of wire) if (message.role === "user") message.content = resultsFirst(message.content);
  trimFinalAssistantText(wire, { get: (item) => (item.type === "text" && typeof item.text === "string" ? item.text : undefined), with: (item, text) => ({ ...item, text }) });
  return { system, messages: wire };
}

/** `system` as a plain string when nothing needs block form (the widest-compatible shape). */
export function systemField(blocks: Block[]): string | Block[] | undefined {
  if (blocks.length === 0) return undefined;
  if (blocks.every((item) => Object.keys(item).length === 2)) return blocks.map((item) => item.text as string).join("\n\n");
  return blocks;
}

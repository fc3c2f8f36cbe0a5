import type { Message } from "../../core/model/call.ts";
import { invalidRequest } from "../../core/model/errors.ts";
import type { FilePart, ImagePart, Part, ProviderSignature, ReasoningPart, TextPart, ToolCallPart, ToolResultPart } from "../../core/model/parts.ts";
import { argumentsText, expectArray, expectObject, expectString, type JsonObject, optionalBoolean } from "../shared/validate.ts";
import { carriedBlock, decodeDocumentBlock, decodeImageBlock, decodeTextBlock, extrasOf, isCarriedBlock } from "./content.ts";
import { readReasoningTokens } from "./signature.ts";

/** `system` (top level or a `role:"system"` entry): a string or text blocks. */
export function decodeSystemContent(value: unknown, path: string): TextPart[] {
  if (typeof value === "string") return value === "" ? [] : [{ type: "text", text: value }];
  return expectArray(value, path).map((raw, i) => {
    const blockPath = `${path}[${i}]`;
    const block = expectObject(raw, blockPath);
    const type = expectString(block.type, `${blockPath}.type`);
    if (type !== "text") throw invalidRequest(`${blockPath}.type: system content must be text blocks, got '${type}'`, `${blockPath}.type`);
    return decodeTextBlock(block, blockPath);
  });
}

const toolUseFields: ReadonlySet<string> = new Set(["type", "id", "name", "input"]);
const thinkingFields: ReadonlySet<string> = new Set(["type", "thinking", "signature"]);
const redactedFields: ReadonlySet<string> = new Set(["type", "data"]);
const toolResultFields: ReadonlySet<string> = new Set(["type", "tool_use_id", "content", "is_error"]);

/** What earlier blocks of the conversation tell later ones. */
interface History {
  /** tool_use id → tool name, to name the results. */
  toolNames: Map<string, string>;
  /** tool_use id → its signature, from a carrier block just before the tool_use. */
  callSignatures: Map<string, ProviderSignature>;
}

function decodeToolUse(block: JsonObject, path: string, history: History): ToolCallPart {
  const id = expectString(block.id, `${path}.id`);
  const name = expectString(block.name, `${path}.name`);
  if (block.input !== undefined && block.input !== null && (typeof block.input !== "object" || Array.isArray(block.input))) {
    throw invalidRequest(`${path}.input: expected object`, `${path}.input`);
  }
  history.toolNames.set(id, name);
  const signature = history.callSignatures.get(id);
  const extensions = extrasOf(block, toolUseFields);
  return { type: "tool_call", id, name, arguments: argumentsText(block.input), ...(signature && { signature }), ...(extensions && { extensions }) };
}

/** A thinking block, or nothing when it only carries the signature of the tool call after it. */
function decodeThinking(block: JsonObject, path: string, history: History): ReasoningPart | undefined {
  const text = expectString(block.thinking, `${path}.thinking`);
  const { forCall, ...tokens } = readReasoningTokens(expectString(block.signature ?? "", `${path}.signature`), "signature");
  if (forCall !== undefined) {
    if (tokens.signature) history.callSignatures.set(forCall, tokens.signature);
    return undefined;
  }
  const extensions = extrasOf(block, thinkingFields);
  return { type: "reasoning", text, kind: tokens.kind ?? "thinking", ...tokens, ...(extensions && { extensions }) };
}

function decodeRedactedThinking(block: JsonObject, path: string): ReasoningPart {
  const { kind, forCall: _carrier, ...tokens } = readReasoningTokens(expectString(block.data, `${path}.data`), "opaque");
  const extensions = extrasOf(block, redactedFields);
  return { type: "reasoning", text: "", ...(kind && { kind }), ...tokens, ...(extensions && { extensions }) };
}

function decodeToolResultContent(value: unknown, path: string): Array<TextPart | ImagePart | FilePart> {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return value === "" ? [] : [{ type: "text", text: value }];
  return expectArray(value, path).map((raw, i) => {
    const blockPath = `${path}[${i}]`;
    const block = expectObject(raw, blockPath);
    const type = expectString(block.type, `${blockPath}.type`);
    if (type === "text") return decodeTextBlock(block, blockPath);
    if (type === "image") return decodeImageBlock(block, blockPath);
    if (type === "document") return decodeDocumentBlock(block, blockPath);
    if (isCarriedBlock(type)) return carriedBlock(block, type);
    throw invalidRequest(`${blockPath}.type: unsupported tool_result content type '${type}'`, `${blockPath}.type`);
  });
}

function decodeToolResult(block: JsonObject, path: string, history: History): ToolResultPart {
  const callId = expectString(block.tool_use_id, `${path}.tool_use_id`);
  const isError = optionalBoolean(block.is_error, `${path}.is_error`);
  const name = history.toolNames.get(callId);
  const extensions = extrasOf(block, toolResultFields);
  return {
    type: "tool_result",
    callId,
    // Gemini matches results by name: take it from the tool_use this answers, when the history holds it.
    ...(name !== undefined && { name }),
    content: decodeToolResultContent(block.content, `${path}.content`),
    ...(isError !== undefined && { isError }),
    ...(extensions && { extensions }),
  };
}

type Side = "user" | "assistant";

function decodeBlock(raw: unknown, path: string, side: Side, history: History): Part | undefined {
  const block = expectObject(raw, path);
  const type = expectString(block.type, `${path}.type`);
  const only = (wanted: Side): void => {
    if (side !== wanted) throw invalidRequest(`${path}.type: '${type}' blocks belong in ${wanted} messages`, `${path}.type`);
  };
  switch (type) {
    case "text":
      return decodeTextBlock(block, path);
    case "image":
      return decodeImageBlock(block, path);
    case "document":
      return decodeDocumentBlock(block, path);
    case "tool_use":
      only("assistant");
      return decodeToolUse(block, path, history);
    case "tool_result":
      only("user");
      return decodeToolResult(block, path, history);
    case "thinking":
      only("assistant");
      return decodeThinking(block, path, history);
    case "redacted_thinking":
      only("assistant");
      return decodeRedactedThinking(block, path);
    default:
      if (isCarriedBlock(type)) return carriedBlock(block, type);
      throw invalidRequest(`${path}.type: unknown content block type '${type}'`, `${path}.type`);
  }
}

/**
 * A user turn becomes canonical messages in wire order: each run of tool_result blocks is one
 * `tool` message, each run of other blocks one `user` message. Anthropic requires results first,
 * so the usual shape is [tool, user]; an odd order is kept rather than silently reordered.
 */
function splitUserTurn(parts: Part[]): Message[] {
  const messages: Message[] = [];
  for (const part of parts) {
    const role = part.type === "tool_result" ? "tool" : "user";
    const last = messages.at(-1);
    if (last && last.role === role) last.parts.push(part);
    else messages.push({ role, parts: [part] });
  }
  return messages;
}

function decodeContent(value: unknown, path: string, side: Side, history: History): Part[] {
  if (typeof value === "string") return value === "" ? [] : [{ type: "text", text: value }];
  return expectArray(value, path).flatMap((block, i) => decodeBlock(block, `${path}[${i}]`, side, history) ?? []);
}

export function decodeMessages(value: unknown): Message[] {
  const history: History = { toolNames: new Map(), callSignatures: new Map() };
  const messages: Message[] = [];
  expectArray(value, "messages").forEach((raw, i) => {
    const path = `messages[${i}]`;
    const message = expectObject(raw, path);
    const role = expectString(message.role, `${path}.role`);
    if (message.content === undefined || message.content === null) throw invalidRequest(`${path}.content: required`, `${path}.content`);
    switch (role) {
      case "system":
        // Claude Code sends a role:"system" entry inside messages; it stays where it was.
        messages.push({ role: "system", parts: decodeSystemContent(message.content, `${path}.content`) });
        break;
      case "assistant":
        messages.push({ role: "assistant", parts: decodeContent(message.content, `${path}.content`, "assistant", history) });
        break;
      case "user": {
        const parts = decodeContent(message.content, `${path}.content`, "user", history);
        messages.push(...(parts.length === 0 ? [{ role: "user" as const, parts }] : splitUserTurn(parts)));
        break;
      }
      default:
        throw invalidRequest(`${path}.role: unknown role '${role}' (expected user, assistant or system)`, `${path}.role`);
    }
  });
  return messages;
}

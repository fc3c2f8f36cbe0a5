import type { CanonicalCall, Message } from "../../core/model/call.ts";
import { invalidRequest } from "../../core/model/errors.ts";
import type { Part, ToolResultPart } from "../../core/model/parts.ts";
import { mediaPart } from "./media.ts";
import { type GeminiContent, type GeminiPart, geminiDialect } from "./wire.ts";

/**
 * Google's documented stand-in for a `thoughtSignature` that Gemini never issued (history from
 * another model, calls a client injected): Gemini 3 then skips its strict check of the current turn.
 */
export const skipSignatureSentinel = "skip_thought_signature_validator";

interface Context {
  /** Same-dialect call: part-level `extensions.gemini` ride back onto the wire. */
  passthrough: boolean;
  /** Tool names by call id, from the calls in history (Gemini matches results by name). */
  names: Map<string, string>;
}

/** The part's Gemini-only fields (videoMetadata, mediaResolution…) a Gemini frontend kept aside. */
function carried(part: Part, context: Context): Record<string, unknown> {
  if (!context.passthrough) return {};
  const { part: _original, ...modifiers } = part.extensions?.[geminiDialect] ?? {};
  return modifiers;
}

/** A Gemini signature goes back as it came; any other dialect's cannot be verified by Gemini. */
function signatureOf(part: { signature?: { dialect: string; value: string } }): { thoughtSignature?: string } {
  return part.signature?.dialect === geminiDialect ? { thoughtSignature: part.signature.value } : {};
}

function parseArguments(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    return { arguments: value };
  } catch {
    // Gemini needs an object; broken model JSON in history is kept readable rather than refused.
    return { arguments: text };
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `functionResponse.response` must be an object: JSON objects pass, text is wrapped. */
function responseObject(part: ToolResultPart): Record<string, unknown> {
  const text = part.content.flatMap((item) => (item.type === "text" ? [item.text] : [])).join("");
  const object = parseObject(text);
  if (object) return part.isError && !("error" in object) ? { error: object } : object;
  return part.isError ? { error: text } : { output: text };
}

function toolResultParts(part: ToolResultPart, path: string, context: Context): GeminiPart[] {
  const name = part.name ?? context.names.get(part.callId);
  if (!name) throw invalidRequest(`${path}: tool result for call '${part.callId}' names no tool and answers no call in the conversation`, path);
  const functionResponse = {
    ...(context.passthrough ? part.extensions?.[geminiDialect] : undefined),
    name,
    ...(part.callId && { id: part.callId }),
    response: responseObject(part),
  };
  // Images and files a tool returned follow as sibling parts: every Gemini model reads those.
  const media = part.content.flatMap((item) => (item.type === "text" ? [] : [mediaPart(item)]));
  return [{ functionResponse }, ...media];
}

function userPart(part: Part, path: string, context: Context): GeminiPart[] {
  switch (part.type) {
    case "text":
      // Gemini refuses an empty text part ("it has an empty text parameter"); it says nothing anyway.
      return part.text === "" ? [] : [{ ...carried(part, context), text: part.text }];
    case "image":
    case "file":
      return [{ ...carried(part, context), ...mediaPart(part) }];
    case "tool_result":
      return toolResultParts(part, path, context);
    case "tool_call":
    case "reasoning":
      // A user turn cannot hold model output; such parts only appear in assistant messages.
      return [];
    default: {
      const exhaustive: never = part;
      return exhaustive;
    }
  }
}

function modelPart(part: Part, path: string, context: Context): GeminiPart[] {
  switch (part.type) {
    case "text": {
      const original = context.passthrough ? part.extensions?.[geminiDialect]?.part : undefined;
      if (original !== null && typeof original === "object") return [{ ...(original as GeminiPart), ...signatureOf(part) }];
      if (part.text === "" && part.signature?.dialect !== geminiDialect) return [];
      return [{ ...carried(part, context), text: part.text, ...signatureOf(part) }];
    }
    case "reasoning": {
      // Gemini's own thoughts go back with their signature; unsigned ones only to a Gemini client's own upstream.
      const signed = part.signature?.dialect === geminiDialect;
      if (!signed && !(context.passthrough && !part.signature && !part.opaque)) return [];
      return [{ ...carried(part, context), text: part.text, thought: true, ...signatureOf(part) }];
    }
    case "tool_call":
      return [
        {
          ...carried(part, context),
          functionCall: { name: part.name, args: parseArguments(part.arguments), ...(part.id && { id: part.id }) },
          ...signatureOf(part),
        },
      ];
    case "image":
    case "file":
      return [{ ...carried(part, context), ...mediaPart(part) }];
    case "tool_result":
      return toolResultParts(part, path, context);
    default: {
      const exhaustive: never = part;
      return exhaustive;
    }
  }
}

function partsOf(message: Message, index: number, context: Context): GeminiPart[] {
  const map = message.role === "assistant" ? modelPart : userPart;
  return message.parts.flatMap((part, p) => map(part, `messages[${index}].parts[${p}]`, context));
}

/**
 * Gemini 3 checks the signatures of the current turn: every model step after the last user
 * content that is not only function responses must open its calls with a signature. Calls
 * Gemini did not sign (another model's, or injected) get the documented sentinel.
 */
function signCurrentTurn(contents: GeminiContent[]): void {
  let start = 0;
  for (let i = contents.length - 1; i >= 0; i--) {
    const content = contents[i]!;
    if (content.role === "user" && content.parts.some((part) => part.functionResponse === undefined)) {
      start = i;
      break;
    }
  }
  for (const content of contents.slice(start)) {
    if (content.role !== "model") continue;
    const first = content.parts.find((part) => part.functionCall !== undefined);
    if (first && first.thoughtSignature === undefined) first.thoughtSignature = skipSignatureSentinel;
  }
}

export interface GeminiConversation {
  systemInstruction?: { parts: GeminiPart[] };
  contents: GeminiContent[];
}

/** Messages → `systemInstruction` + `contents` (user/model, consecutive same-role turns merged). */
export function geminiContents(call: CanonicalCall): GeminiConversation {
  const context: Context = { passthrough: call.sourceDialect === geminiDialect, names: new Map() };
  for (const message of call.messages) {
    for (const part of message.parts) if (part.type === "tool_call") context.names.set(part.id, part.name);
  }
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  call.messages.forEach((message, index) => {
    if (message.role === "system" || message.role === "developer") {
      for (const part of message.parts) if (part.type === "text" && part.text !== "") system.push({ text: part.text });
      return;
    }
    const parts = partsOf(message, index, context);
    if (parts.length === 0) return;
    const role = message.role === "assistant" ? "model" : "user";
    const previous = contents[contents.length - 1];
    if (previous?.role === role) previous.parts.push(...parts);
    else contents.push({ role, parts });
  });
  signCurrentTurn(contents);
  return { ...(system.length > 0 && { systemInstruction: { parts: system } }), contents };
}

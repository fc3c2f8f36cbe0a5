import type { InboundRequest } from "../../core/codec.ts";
import type { CanonicalCall, Message } from "../../core/model/call.ts";
import { invalidRequest } from "../../core/model/errors.ts";
import type { Extensions, TextPart } from "../../core/model/parts.ts";
import { expectArray, expectObject, expectString, type JsonObject } from "../shared/validate.ts";
import { decodeContents } from "./decode-contents.ts";
import { decodeGenerationConfig } from "./decode-generation-config.ts";
import { decodePart } from "./decode-parts.ts";
import { decodeToolChoice, decodeTools } from "./decode-tools.ts";
import { geminiDialect } from "./signature.ts";
import { bareModelName, field, unmappedFields } from "./wire.ts";

export const dialect = geminiDialect;

/** Top-level fields mapped into the call; the rest (safetySettings, cachedContent, labels…) ride in extensions. */
const mappedFields = new Set(["contents", "systemInstruction", "tools", "toolConfig", "generationConfig", "model"]);

function decodeSystem(value: unknown): Message | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return { role: "system", parts: [{ type: "text", text: value }] };
  const content = expectObject(value, "systemInstruction");
  const parts = expectArray(content.parts, "systemInstruction.parts").map((raw, i): TextPart => {
    const decoded = decodePart(raw, `systemInstruction.parts[${i}]`);
    if (decoded.kind !== "content" || decoded.part.type !== "text") {
      throw invalidRequest(`systemInstruction.parts[${i}]: only text parts are allowed in a system instruction`, `systemInstruction.parts[${i}]`);
    }
    return decoded.part;
  });
  return parts.length > 0 ? { role: "system", parts } : undefined;
}

/** `…/models/{model}:streamGenerateContent` streams; `:generateContent` does not. */
export function isStreamingPath(pathname: string): boolean {
  return pathname.endsWith(":streamGenerateContent");
}

export function decodeGeminiRequest(raw: unknown, request: Pick<InboundRequest, "params" | "url" | "log">): CanonicalCall {
  const body = expectObject(raw, "body");
  const pathModel = request.params.model;
  const model = bareModelName(pathModel ?? expectString(body.model, "model"));
  if (model === "") throw invalidRequest("model: the path names no model", "model");
  const extensions: JsonObject = unmappedFields(body, mappedFields) ?? {};
  const messages = decodeContents(field(body, "contents"));
  if (messages.length === 0) throw invalidRequest("contents: must contain at least one content", "contents");
  const system = decodeSystem(field(body, "systemInstruction"));
  const { tools, builtIn } = decodeTools(body.tools);
  if (builtIn.length > 0) {
    extensions.tools = builtIn;
    request.log("warn", "gemini built-in tools are not run by this gateway; dropped unless the backend is Gemini", {
      tools: builtIn.flatMap((tool) => Object.keys(tool)),
    });
  }
  const toolChoice = decodeToolChoice(field(body, "toolConfig"), tools, extensions);
  const options = decodeGenerationConfig(field(body, "generationConfig"), extensions);
  const allExtensions: Extensions = Object.keys(extensions).length > 0 ? { [dialect]: extensions } : {};
  return {
    model,
    messages: system ? [system, ...messages] : messages,
    tools,
    ...(toolChoice && { toolChoice }),
    options,
    stream: isStreamingPath(request.url.pathname),
    sourceDialect: dialect,
    extensions: allExtensions,
  };
}

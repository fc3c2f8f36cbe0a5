import { invalidRequest } from "../../core/model/errors.ts";
import type { Extensions, FilePart, ImagePart, MediaSource, Part, ReasoningPart, TextPart, ToolCallPart, ToolResultPart } from "../../core/model/parts.ts";
import { argumentsText, expectObject, expectString, type JsonObject, optionalBoolean, optionalObject, optionalString } from "../shared/validate.ts";
import { type CarriedReasoning, decodeThoughtSignature, geminiDialect, type SignatureEnvelope } from "./signature.ts";
import { field, unmappedFields } from "./wire.ts";

/** One Gemini part, decoded; calls and results still need their ids matched (decode-contents). */
export type DecodedPart =
  | { kind: "content"; part: Part }
  | { kind: "call"; part: ToolCallPart; id?: string; carried?: CarriedReasoning[] }
  | { kind: "result"; part: ToolResultPart; name: string; id?: string };

/** Keys that say what a part is; everything else on a part is a modifier kept in extensions. */
const dataKeys = new Set([
  "text", "thought", "thoughtSignature", "inlineData", "fileData", "functionCall", "functionResponse",
  "executableCode", "codeExecutionResult", "toolCall", "toolResponse",
]);

const functionResponseFields: ReadonlySet<string> = new Set(["name", "id", "response", "parts"]);

function partExtensions(part: JsonObject): Extensions | undefined {
  const extra = unmappedFields(part, dataKeys);
  return extra && { [geminiDialect]: extra };
}

function media(value: unknown, path: string, inline: boolean): ImagePart | FilePart {
  const blob = expectObject(value, path);
  const mimeType = inline ? expectString(field(blob, "mimeType"), `${path}.mimeType`) : optionalString(field(blob, "mimeType"), `${path}.mimeType`);
  const displayName = optionalString(field(blob, "displayName"), `${path}.displayName`);
  const source: MediaSource = inline
    ? { kind: "base64", mediaType: mimeType!, data: expectString(field(blob, "data"), `${path}.data`) }
    : { kind: "url", url: expectString(field(blob, "fileUri"), `${path}.fileUri`), ...(mimeType && { mediaType: mimeType }) };
  if (mimeType?.startsWith("image/")) return { type: "image", source };
  return { type: "file", source, ...(displayName && { filename: displayName }) };
}

function mediaOf(part: JsonObject, path: string): ImagePart | FilePart | undefined {
  const inline = field(part, "inlineData");
  if (inline !== undefined) return media(inline, `${path}.inlineData`, true);
  const file = field(part, "fileData");
  if (file !== undefined) return media(file, `${path}.fileData`, false);
  return undefined;
}

function functionResponse(value: unknown, path: string): DecodedPart {
  const result = expectObject(value, path);
  const name = expectString(result.name, `${path}.name`);
  const id = optionalString(result.id, `${path}.id`);
  const response = result.response;
  const content: ToolResultPart["content"] = [];
  if (typeof response === "string") content.push({ type: "text", text: response });
  else if (response !== undefined && response !== null) content.push({ type: "text", text: JSON.stringify(expectObject(response, `${path}.response`)) });
  const isError = response !== null && typeof response === "object" && (response as JsonObject).error !== undefined && (response as JsonObject).error !== null;
  const nested = result.parts;
  if (nested !== undefined) {
    if (!Array.isArray(nested)) throw invalidRequest(`${path}.parts: expected array`, `${path}.parts`);
    nested.forEach((raw, i) => {
      const item = mediaOf(expectObject(raw, `${path}.parts[${i}]`), `${path}.parts[${i}]`);
      if (!item) throw invalidRequest(`${path}.parts[${i}]: expected inlineData or fileData`, `${path}.parts[${i}]`);
      content.push(item);
    });
  }
  const extra = unmappedFields(result, functionResponseFields);
  const part: ToolResultPart = {
    type: "tool_result",
    callId: "",
    name,
    content,
    ...(isError && { isError }),
    ...(extra && { extensions: { [geminiDialect]: extra } }),
  };
  return { kind: "result", part, name, ...(id !== undefined && { id }) };
}

/**
 * Parts from Gemini's built-in tools (code execution, server-side tool calls) have no canonical
 * form: they are carried as readable text for other backends, with the original part kept for a
 * Gemini backend to restore.
 */
function builtInToolText(key: string, value: unknown): string {
  if (key === "executableCode" && value !== null && typeof value === "object") {
    const code = value as JsonObject;
    return `\`\`\`${String(code.language ?? "").toLowerCase()}\n${String(code.code ?? "")}\n\`\`\``;
  }
  if (key === "codeExecutionResult" && value !== null && typeof value === "object") {
    const result = value as JsonObject;
    return `code execution result (${String(result.outcome ?? "OUTCOME_UNSPECIFIED")}):\n${String(result.output ?? "")}`;
  }
  return `${key}: ${JSON.stringify(value)}`;
}

function withExtensions<T extends Part>(part: T, extensions: Extensions | undefined): T {
  return extensions ? { ...part, extensions } : part;
}

export function decodePart(value: unknown, path: string): DecodedPart {
  const part = expectObject(value, path);
  const extensions = partExtensions(part);
  const rawSignature = optionalString(field(part, "thoughtSignature"), `${path}.thoughtSignature`);
  const envelope: SignatureEnvelope = rawSignature === undefined ? {} : decodeThoughtSignature(rawSignature);
  const signature = envelope.signature && { signature: envelope.signature };

  const call = field(part, "functionCall");
  if (call !== undefined) {
    const spec = expectObject(call, `${path}.functionCall`);
    const id = optionalString(spec.id, `${path}.functionCall.id`);
    const args = optionalObject(spec.args, `${path}.functionCall.args`) ?? {};
    const tool: ToolCallPart = { type: "tool_call", id: id ?? "", name: expectString(spec.name, `${path}.functionCall.name`), arguments: argumentsText(args), ...signature };
    return { kind: "call", part: withExtensions(tool, extensions), ...(id !== undefined && { id }), ...(envelope.reasoning && { carried: envelope.reasoning }) };
  }
  const response = field(part, "functionResponse");
  if (response !== undefined) return functionResponse(response, `${path}.functionResponse`);
  const item = mediaOf(part, path);
  if (item) return { kind: "content", part: withExtensions(item, extensions) };
  for (const key of ["executableCode", "codeExecutionResult", "toolCall", "toolResponse"]) {
    const builtIn = field(part, key);
    if (builtIn === undefined) continue;
    const original = { [key]: builtIn, ...extensions?.[geminiDialect] };
    return { kind: "content", part: { type: "text", text: builtInToolText(key, builtIn), extensions: { [geminiDialect]: { part: original } } } };
  }
  const text = optionalString(part.text, `${path}.text`);
  const thought = optionalBoolean(part.thought, `${path}.thought`) ?? false;
  if (text === undefined && rawSignature === undefined && !thought) {
    throw invalidRequest(`${path}: unknown part; expected text, inlineData, fileData, functionCall or functionResponse`, path);
  }
  if (thought || envelope.opaque || envelope.kind) {
    const reasoning: ReasoningPart = {
      type: "reasoning",
      text: text ?? "",
      kind: envelope.kind ?? "thinking",
      ...signature,
      ...(envelope.opaque && { opaque: envelope.opaque }),
      ...(envelope.id && { id: envelope.id }),
    };
    return { kind: "content", part: withExtensions(reasoning, extensions) };
  }
  const textPart: TextPart = { type: "text", text: text ?? "", ...signature };
  return { kind: "content", part: withExtensions(textPart, extensions) };
}

import type { InboundRequest } from "../../core/codec.ts";
import type { CallOptions, CanonicalCall, Message, ReasoningEffort, ReasoningOptions, ResponseFormat, ToolChoice, ToolSpec } from "../../core/model/call.ts";
import { invalidRequest } from "../../core/model/errors.ts";
import type { Extensions, TextPart } from "../../core/model/parts.ts";
import {
  expectArray,
  expectObject,
  expectString,
  type JsonObject,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalString,
  optionalStringList,
} from "../shared/validate.ts";
import { decodeContents } from "./decode-contents.ts";
import { decodePart } from "./decode-parts.ts";
import { openApiToJsonSchema } from "./schema.ts";
import { geminiDialect } from "./signature.ts";
import { bareModelName, field, unmappedFields } from "./wire.ts";

export const dialect = geminiDialect;

/** Top-level fields mapped into the call; the rest (safetySettings, cachedContent, labels…) ride in extensions. */
const mappedFields = new Set(["contents", "systemInstruction", "tools", "toolConfig", "generationConfig", "model"]);
const mappedGenerationFields = new Set([
  "temperature", "topP", "topK", "maxOutputTokens", "stopSequences", "candidateCount", "responseMimeType", "responseSchema",
  "responseJsonSchema", "thinkingConfig", "seed", "presencePenalty", "frequencyPenalty",
]);
const levels: Record<string, ReasoningEffort> = { MINIMAL: "minimal", LOW: "low", MEDIUM: "medium", HIGH: "high" };

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

interface DecodedTools {
  tools: ToolSpec[];
  /** Built-in Gemini tools (googleSearch, codeExecution, urlContext…) no other backend runs. */
  builtIn: JsonObject[];
}

function decodeFunction(value: unknown, path: string): ToolSpec {
  const declaration = expectObject(value, path);
  const name = expectString(declaration.name, `${path}.name`);
  const description = optionalString(declaration.description, `${path}.description`);
  const jsonSchema = field(declaration, "parametersJsonSchema");
  const openApi = declaration.parameters;
  const parameters =
    jsonSchema !== undefined && jsonSchema !== null
      ? expectObject(jsonSchema, `${path}.parametersJsonSchema`)
      : openApi !== undefined && openApi !== null
        ? openApiToJsonSchema(openApi, `${path}.parameters`)
        : { type: "object", properties: {} };
  const extra = unmappedFields(declaration, new Set(["name", "description", "parameters", "parametersJsonSchema"]));
  return { name, parameters, ...(description !== undefined && { description }), ...(extra && { extensions: { [geminiDialect]: extra } }) };
}

function decodeTools(value: unknown): DecodedTools {
  const decoded: DecodedTools = { tools: [], builtIn: [] };
  if (value === undefined || value === null) return decoded;
  expectArray(value, "tools").forEach((raw, i) => {
    const tool = expectObject(raw, `tools[${i}]`);
    const declarations = field(tool, "functionDeclarations");
    if (declarations !== undefined && declarations !== null) {
      expectArray(declarations, `tools[${i}].functionDeclarations`).forEach((declaration, j) => {
        decoded.tools.push(decodeFunction(declaration, `tools[${i}].functionDeclarations[${j}]`));
      });
    }
    const rest = unmappedFields(tool, new Set(["functionDeclarations"]));
    if (rest) decoded.builtIn.push(rest);
  });
  return decoded;
}

function decodeToolChoice(value: unknown, tools: ToolSpec[], extensions: JsonObject): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  const toolConfig = expectObject(value, "toolConfig");
  const rest = unmappedFields(toolConfig, new Set(["functionCallingConfig"]));
  if (rest) extensions.toolConfig = rest;
  const raw = field(toolConfig, "functionCallingConfig");
  if (raw === undefined || raw === null) return undefined;
  const config = expectObject(raw, "toolConfig.functionCallingConfig");
  const path = "toolConfig.functionCallingConfig";
  const mode = optionalString(config.mode, `${path}.mode`)?.toUpperCase();
  const allowed = optionalStringList(field(config, "allowedFunctionNames"), `${path}.allowedFunctionNames`) ?? [];
  for (const name of allowed) {
    if (!tools.some((tool) => tool.name === name)) throw invalidRequest(`${path}.allowedFunctionNames: no function named '${name}' in tools`, `${path}.allowedFunctionNames`);
  }
  if (allowed.length > 1 || (allowed.length === 1 && mode !== "ANY")) extensions.allowedFunctionNames = allowed;
  switch (mode) {
    case undefined:
    case "MODE_UNSPECIFIED":
      return undefined;
    case "AUTO":
      return { type: "auto" };
    case "VALIDATED":
      // Auto, but calls must match the schema: only a Gemini backend can enforce it.
      extensions.functionCallingMode = "VALIDATED";
      return { type: "auto" };
    case "NONE":
      return { type: "none" };
    case "ANY":
      return allowed.length === 1 ? { type: "named", name: allowed[0]! } : { type: "required" };
    default:
      throw invalidRequest(`${path}.mode: unknown mode '${mode}' (expected AUTO, ANY, NONE or VALIDATED)`, `${path}.mode`);
  }
}

function decodeThinking(value: unknown): ReasoningOptions | undefined {
  if (value === undefined || value === null) return undefined;
  const path = "generationConfig.thinkingConfig";
  const config = expectObject(value, path);
  const reasoning: ReasoningOptions = {};
  const budget = optionalInteger(field(config, "thinkingBudget"), `${path}.thinkingBudget`, -1);
  if (budget === 0) reasoning.enabled = false;
  else if (budget === -1) Object.assign(reasoning, { enabled: true, adaptive: true });
  else if (budget !== undefined) Object.assign(reasoning, { enabled: true, budgetTokens: budget });
  const includeThoughts = optionalBoolean(field(config, "includeThoughts"), `${path}.includeThoughts`);
  if (includeThoughts !== undefined) reasoning.includeThoughts = includeThoughts;
  const level = optionalString(field(config, "thinkingLevel"), `${path}.thinkingLevel`)?.toUpperCase();
  if (level !== undefined && level !== "THINKING_LEVEL_UNSPECIFIED") {
    const effort = levels[level];
    if (!effort) throw invalidRequest(`${path}.thinkingLevel: unknown level '${level}' (expected MINIMAL, LOW, MEDIUM or HIGH)`, `${path}.thinkingLevel`);
    reasoning.effort = effort;
    reasoning.enabled ??= true;
  }
  return Object.keys(reasoning).length > 0 ? reasoning : undefined;
}

function decodeResponseFormat(config: JsonObject): ResponseFormat | undefined {
  const path = "generationConfig";
  const mimeType = optionalString(field(config, "responseMimeType"), `${path}.responseMimeType`);
  if (mimeType === "text/plain") return { type: "text" };
  if (mimeType !== "application/json") return undefined;
  const jsonSchema = field(config, "responseJsonSchema") ?? config._responseJsonSchema;
  if (jsonSchema !== undefined && jsonSchema !== null) return { type: "json_schema", schema: expectObject(jsonSchema, `${path}.responseJsonSchema`) };
  const schema = field(config, "responseSchema");
  if (schema !== undefined && schema !== null) return { type: "json_schema", schema: openApiToJsonSchema(schema, `${path}.responseSchema`) };
  return { type: "json_object" };
}

function decodeOptions(value: unknown, extensions: JsonObject): CallOptions {
  const options: CallOptions = {};
  if (value === undefined || value === null) return options;
  const path = "generationConfig";
  const config = expectObject(value, path);
  const set = <K extends keyof CallOptions>(key: K, option: CallOptions[K] | undefined) => {
    if (option !== undefined) options[key] = option;
  };
  const candidates = optionalInteger(field(config, "candidateCount"), `${path}.candidateCount`, 1);
  if (candidates !== undefined && candidates > 1) {
    throw invalidRequest(`${path}.candidateCount: only 1 candidate is supported`, `${path}.candidateCount`, "unsupported_parameter");
  }
  set("temperature", optionalNumber(config.temperature, `${path}.temperature`, 0, 2));
  set("topP", optionalNumber(field(config, "topP"), `${path}.topP`, 0, 1));
  set("topK", optionalInteger(field(config, "topK"), `${path}.topK`, 1));
  set("maxOutputTokens", optionalInteger(field(config, "maxOutputTokens"), `${path}.maxOutputTokens`, 1));
  set("stop", optionalStringList(field(config, "stopSequences"), `${path}.stopSequences`));
  set("reasoning", decodeThinking(field(config, "thinkingConfig")));
  const format = decodeResponseFormat(config);
  set("responseFormat", format);
  set("seed", optionalInteger(config.seed, `${path}.seed`));
  set("presencePenalty", optionalNumber(field(config, "presencePenalty"), `${path}.presencePenalty`));
  set("frequencyPenalty", optionalNumber(field(config, "frequencyPenalty"), `${path}.frequencyPenalty`));
  const rest = unmappedFields(config, mappedGenerationFields);
  if (rest) extensions.generationConfig = rest;
  // A mime type or schema that did not become a response format (e.g. text/x.enum) only a Gemini backend can use.
  if (format?.type !== "json_schema") {
    const keys = format === undefined ? ["responseMimeType", "responseSchema", "responseJsonSchema"] : ["responseSchema", "responseJsonSchema"];
    for (const key of keys) {
      const kept = field(config, key);
      if (kept !== undefined && kept !== null) extensions[key] = kept;
    }
  }
  return options;
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
  const options = decodeOptions(field(body, "generationConfig"), extensions);
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

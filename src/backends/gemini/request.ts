import type { CanonicalCall, ResponseFormat, ToolChoice } from "../../core/model/call.ts";
import { geminiContents } from "./contents.ts";
import { cannotDisableThinking, type ThinkingControl, thinkingConfig } from "./thinking.ts";
import { geminiDialect } from "./wire.ts";

type JsonObject = Record<string, unknown>;

/**
 * Request-level Gemini fields a Gemini frontend kept in `extensions.gemini` that this module
 * places itself; every other key (safetySettings, cachedContent, labels…) goes to the top level.
 */
const placedExtensions = new Set(["tools", "toolConfig", "allowedFunctionNames", "functionCallingMode", "generationConfig", "responseMimeType", "responseSchema", "responseJsonSchema"]);

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function tools(call: CanonicalCall, extensions: JsonObject): JsonObject[] | undefined {
  const passthrough = call.sourceDialect === geminiDialect;
  const declarations = call.tools.map((tool) => ({
    ...(passthrough ? tool.extensions?.[geminiDialect] : undefined),
    name: tool.name,
    ...(tool.description && { description: tool.description }),
    // Full JSON Schema: `parameters` would accept only Google's OpenAPI subset.
    parametersJsonSchema: tool.parameters,
  }));
  const hosted = Array.isArray(extensions.tools) ? extensions.tools.filter(isObject) : [];
  const all = [...(declarations.length > 0 ? [{ functionDeclarations: declarations }] : []), ...hosted];
  return all.length > 0 ? all : undefined;
}

function functionCallingConfig(choice: ToolChoice | undefined, extensions: JsonObject): JsonObject | undefined {
  const allowed = Array.isArray(extensions.allowedFunctionNames) ? { allowedFunctionNames: extensions.allowedFunctionNames } : {};
  if (!choice) return undefined;
  switch (choice.type) {
    case "auto":
      return { mode: extensions.functionCallingMode === "VALIDATED" ? "VALIDATED" : "AUTO", ...allowed };
    case "none":
      return { mode: "NONE" };
    case "required":
      return { mode: "ANY", ...allowed };
    case "named":
      return { mode: "ANY", allowedFunctionNames: [choice.name] };
    default: {
      const exhaustive: never = choice;
      return exhaustive;
    }
  }
}

function toolConfig(call: CanonicalCall, extensions: JsonObject): JsonObject | undefined {
  const calling = functionCallingConfig(call.toolChoice, extensions);
  const config = { ...(isObject(extensions.toolConfig) ? extensions.toolConfig : {}), ...(calling && { functionCallingConfig: calling }) };
  return Object.keys(config).length > 0 ? config : undefined;
}

function responseFormat(format: ResponseFormat | undefined, extensions: JsonObject): JsonObject {
  if (format?.type === "json_schema") return { responseMimeType: "application/json", responseJsonSchema: format.schema };
  if (format?.type === "json_object") return { responseMimeType: "application/json" };
  // Formats only Gemini has (text/x.enum, an OpenAPI responseSchema) from a Gemini client.
  const kept: JsonObject = {};
  for (const key of ["responseMimeType", "responseSchema", "responseJsonSchema"]) if (extensions[key] !== undefined) kept[key] = extensions[key];
  return kept;
}

function generationConfig(call: CanonicalCall, model: string, control: ThinkingControl, extensions: JsonObject): JsonObject | undefined {
  const options = call.options;
  const config: JsonObject = { ...(isObject(extensions.generationConfig) ? extensions.generationConfig : {}) };
  if (options.temperature !== undefined) config.temperature = options.temperature;
  if (options.topP !== undefined) config.topP = options.topP;
  if (options.topK !== undefined) config.topK = options.topK;
  if (options.maxOutputTokens !== undefined) config.maxOutputTokens = options.maxOutputTokens;
  if (options.stop?.length) config.stopSequences = options.stop;
  if (options.seed !== undefined) config.seed = options.seed;
  if (options.presencePenalty !== undefined) config.presencePenalty = options.presencePenalty;
  if (options.frequencyPenalty !== undefined) config.frequencyPenalty = options.frequencyPenalty;
  Object.assign(config, responseFormat(options.responseFormat, extensions));
  const thinking = thinkingConfig(options.reasoning, model, control);
  if (thinking) config.thinkingConfig = thinking;
  return Object.keys(config).length > 0 ? config : undefined;
}

/** `models/gemini-2.5-pro` and `gemini-2.5-pro` name the same model. */
export function bareModel(model: string): string {
  return model.startsWith("models/") ? model.slice("models/".length) : model;
}

/** The `generateContent` body for a canonical call (the same body streams and counts tokens). */
export function geminiRequestBody(call: CanonicalCall, model: string, control: ThinkingControl): JsonObject {
  const extensions: JsonObject = call.sourceDialect === geminiDialect ? (call.extensions[geminiDialect] ?? {}) : {};
  const passthrough: JsonObject = {};
  for (const [key, value] of Object.entries(extensions)) if (!placedExtensions.has(key)) passthrough[key] = value;
  const { systemInstruction, contents } = geminiContents(call);
  const declaredTools = tools(call, extensions);
  const config = toolConfig(call, extensions);
  const generation = generationConfig(call, bareModel(model), control, extensions);
  return {
    ...passthrough,
    contents,
    ...(systemInstruction && { systemInstruction }),
    ...(declaredTools && { tools: declaredTools }),
    ...(config && { toolConfig: config }),
    ...(generation && { generationConfig: generation }),
  };
}

export interface RequestWarning {
  code: string;
  message: string;
}

/** Settings the call asked for that Gemini cannot honour: reported, never silently dropped. */
export function geminiRequestWarnings(call: CanonicalCall, model: string, control: ThinkingControl): RequestWarning[] {
  const warnings: RequestWarning[] = [];
  if (call.options.parallelToolCalls === false && call.tools.length > 0) {
    warnings.push({ code: "unsupported_option", message: "Gemini cannot forbid parallel function calls; parallel_tool_calls: false was not applied" });
  }
  if (cannotDisableThinking(call.options.reasoning, bareModel(model), control)) {
    warnings.push({ code: "unsupported_option", message: `${bareModel(model)} cannot switch thinking off; its lowest thinking setting was requested` });
  }
  return warnings;
}

import type { CallOptions, ReasoningEffort, ReasoningOptions, ResponseFormat } from "../../core/model/call.ts";
import { invalidRequest } from "../../core/model/errors.ts";
import { expectObject, type JsonObject, optionalBoolean, optionalInteger, optionalNumber, optionalString, optionalStringList } from "../shared/validate.ts";
import { normalizeJsonSchema, openApiToJsonSchema } from "./schema.ts";
import { field, unmappedFields } from "./wire.ts";

const mappedGenerationFields = new Set([
  "temperature", "topP", "topK", "maxOutputTokens", "stopSequences", "candidateCount", "responseMimeType", "responseSchema",
  "responseJsonSchema", "thinkingConfig", "seed", "presencePenalty", "frequencyPenalty",
]);
const levels: Record<string, ReasoningEffort> = { MINIMAL: "minimal", LOW: "low", MEDIUM: "medium", HIGH: "high" };

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
  if (jsonSchema !== undefined && jsonSchema !== null) return { type: "json_schema", schema: normalizeJsonSchema(expectObject(jsonSchema, `${path}.responseJsonSchema`)) as JsonObject };
  const schema = field(config, "responseSchema");
  if (schema !== undefined && schema !== null) return { type: "json_schema", schema: openApiToJsonSchema(schema, `${path}.responseSchema`) };
  return { type: "json_object" };
}

/** `generationConfig` → call options; unmapped fields go to `extensions` (the gemini slice). */
export function decodeGenerationConfig(value: unknown, extensions: JsonObject): CallOptions {
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


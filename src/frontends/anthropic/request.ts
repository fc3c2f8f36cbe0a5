import type { Logger } from "../../core/codec.ts";
import type { CallOptions, CanonicalCall, ReasoningOptions, ResponseFormat, ToolChoice, ToolSpec } from "../../core/model/call.ts";
import { invalidRequest } from "../../core/model/errors.ts";
import {
  expectArray,
  expectObject,
  expectString,
  type JsonObject,
  optionalBoolean,
  optionalEffort,
  optionalInteger,
  optionalNumber,
  optionalObject,
  optionalString,
} from "../shared/validate.ts";
import { extrasOf } from "./content.ts";
import { decodeMessages, decodeSystemContent } from "./messages.ts";
import { anthropicDialect } from "./signature.ts";

/** Top-level fields mapped into the canonical call; every other field rides in `extensions.anthropic`. */
const mappedFields: ReadonlySet<string> = new Set([
  "model", "messages", "system", "max_tokens", "stream", "tools", "tool_choice", "thinking", "output_config",
  "output_format", "stop_sequences", "temperature", "top_p", "top_k",
]);

const toolFields: ReadonlySet<string> = new Set(["name", "description", "input_schema", "strict"]);

interface DecodedTools {
  tools: ToolSpec[];
  /** Anthropic-hosted tools (web_search, bash, text_editor, …) with their position in `tools`. */
  serverTools: Array<{ position: number; tool: JsonObject }>;
}

/**
 * Custom tools (no `type`, or `type:"custom"`) become canonical tools. Hosted tool types run on
 * Anthropic's servers, so no other provider can honour them: they ride in
 * `extensions.anthropic.server_tools` (with their position, so an Anthropic backend restores the
 * order prompt caching depends on) and other backends never see them.
 */
function decodeTools(value: unknown): DecodedTools {
  const decoded: DecodedTools = { tools: [], serverTools: [] };
  if (value === undefined || value === null) return decoded;
  expectArray(value, "tools").forEach((raw, position) => {
    const path = `tools[${position}]`;
    const tool = expectObject(raw, path);
    const type = optionalString(tool.type, `${path}.type`);
    if (type !== undefined && type !== "custom") {
      decoded.serverTools.push({ position, tool });
      return;
    }
    const description = optionalString(tool.description, `${path}.description`);
    const strict = optionalBoolean(tool.strict, `${path}.strict`);
    const extensions = extrasOf(tool, toolFields);
    decoded.tools.push({
      name: expectString(tool.name, `${path}.name`),
      parameters: expectObject(tool.input_schema, `${path}.input_schema`),
      ...(description !== undefined && { description }),
      ...(strict !== undefined && { strict }),
      ...(extensions && { extensions }),
    });
  });
  return decoded;
}

function decodeToolChoice(value: unknown, names: ReadonlySet<string>): { choice?: ToolChoice; parallel?: boolean } {
  if (value === undefined || value === null) return {};
  const choice = expectObject(value, "tool_choice");
  const type = expectString(choice.type, "tool_choice.type");
  const disableParallel = optionalBoolean(choice.disable_parallel_tool_use, "tool_choice.disable_parallel_tool_use");
  const parallel = disableParallel === undefined ? undefined : !disableParallel;
  switch (type) {
    case "auto":
      return { choice: { type: "auto" }, parallel };
    case "any":
      return { choice: { type: "required" }, parallel };
    case "none":
      return { choice: { type: "none" }, parallel };
    case "tool": {
      const name = expectString(choice.name, "tool_choice.name");
      if (!names.has(name)) throw invalidRequest(`tool_choice.name: no tool named '${name}' in tools`, "tool_choice.name");
      return { choice: { type: "named", name }, parallel };
    }
    default:
      throw invalidRequest(`tool_choice.type: unknown value '${type}' (expected auto, any, tool or none)`, "tool_choice.type");
  }
}

/** `thinking` and `output_config.effort` → canonical reasoning; an unknown thinking type is kept raw for Anthropic. */
function decodeReasoning(body: JsonObject, outputConfig: JsonObject | undefined, extra: Record<string, unknown>, log: Logger): ReasoningOptions | undefined {
  let reasoning: ReasoningOptions | undefined;
  if (body.thinking !== undefined && body.thinking !== null) {
    const thinking = expectObject(body.thinking, "thinking");
    const type = expectString(thinking.type, "thinking.type");
    const display = optionalString(thinking.display, "thinking.display");
    const includeThoughts = display === undefined ? undefined : display !== "omitted";
    const shown = includeThoughts === undefined ? {} : { includeThoughts };
    if (type === "enabled") {
      const budgetTokens = optionalInteger(thinking.budget_tokens, "thinking.budget_tokens", 1);
      if (budgetTokens === undefined) throw invalidRequest("thinking.budget_tokens: required when thinking.type is 'enabled'", "thinking.budget_tokens");
      reasoning = { enabled: true, budgetTokens, ...shown };
    } else if (type === "adaptive") {
      reasoning = { enabled: true, adaptive: true, ...shown };
    } else if (type === "disabled") {
      reasoning = { enabled: false };
    } else {
      log("warn", "anthropic: unknown thinking type kept for Anthropic backends only", { type });
      extra.thinking = thinking;
    }
  }
  const effort = optionalEffort(outputConfig?.effort, "output_config.effort");
  if (effort !== undefined) reasoning = { ...reasoning, effort };
  return reasoning;
}

function decodeFormat(value: unknown, path: string): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const format = expectObject(value, path);
  const type = expectString(format.type, `${path}.type`);
  if (type !== "json_schema") throw invalidRequest(`${path}.type: unknown format '${type}' (expected json_schema)`, `${path}.type`);
  return { type: "json_schema", schema: expectObject(format.schema, `${path}.schema`) };
}

function decodeOptions(body: JsonObject, requireMaxTokens: boolean, extra: Record<string, unknown>, log: Logger): CallOptions {
  const options: CallOptions = {};
  const set = <K extends keyof CallOptions>(key: K, value: CallOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  if (requireMaxTokens && (body.max_tokens === undefined || body.max_tokens === null)) {
    throw invalidRequest("max_tokens: field required", "max_tokens");
  }
  set("maxOutputTokens", optionalInteger(body.max_tokens, "max_tokens", 1));
  set("temperature", optionalNumber(body.temperature, "temperature", 0, 1));
  set("topP", optionalNumber(body.top_p, "top_p", 0, 1));
  set("topK", optionalInteger(body.top_k, "top_k", 0));
  if (body.stop_sequences !== undefined && body.stop_sequences !== null) {
    set("stop", expectArray(body.stop_sequences, "stop_sequences").map((item, i) => expectString(item, `stop_sequences[${i}]`)));
  }
  const outputConfig = optionalObject(body.output_config, "output_config");
  set("reasoning", decodeReasoning(body, outputConfig, extra, log));
  // `output_format` is the structured-outputs beta spelling of `output_config.format`.
  set("responseFormat", decodeFormat(outputConfig?.format, "output_config.format") ?? decodeFormat(body.output_format, "output_format"));
  const otherOutput = outputConfig && extrasOf(outputConfig, new Set(["effort", "format"]));
  if (otherOutput) extra.output_config = otherOutput.anthropic;
  if (body.metadata !== undefined && body.metadata !== null) {
    set("user", optionalString(expectObject(body.metadata, "metadata").user_id, "metadata.user_id"));
  }
  return options;
}

export interface DecodeOptions {
  /** `/v1/messages` requires max_tokens; `/v1/messages/count_tokens` does not take it. */
  requireMaxTokens: boolean;
  log: Logger;
}

export function decodeMessagesRequest(raw: unknown, { requireMaxTokens, log }: DecodeOptions): CanonicalCall {
  const body = expectObject(raw, "body");
  const model = expectString(body.model, "model");
  const messages = decodeMessages(body.messages);
  if (messages.length === 0) throw invalidRequest("messages: must contain at least one message", "messages");
  if (body.system !== undefined && body.system !== null) {
    const parts = decodeSystemContent(body.system, "system");
    if (parts.length > 0) messages.unshift({ role: "system", parts });
  }
  const { tools, serverTools } = decodeTools(body.tools);
  const names = new Set([...tools.map((tool) => tool.name), ...serverTools.flatMap(({ tool }) => (typeof tool.name === "string" ? [tool.name] : []))]);
  const { choice, parallel } = decodeToolChoice(body.tool_choice, names);
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!mappedFields.has(key) && value !== undefined) extra[key] = value;
  const options = decodeOptions(body, requireMaxTokens, extra, log);
  if (parallel !== undefined) options.parallelToolCalls = parallel;
  if (serverTools.length > 0) {
    extra.server_tools = serverTools;
    log("warn", "anthropic: server tools are forwarded to Anthropic backends only; other backends drop them", {
      tools: serverTools.map(({ tool }) => tool.type),
    });
  }
  return {
    model,
    messages,
    tools,
    ...(choice && { toolChoice: choice }),
    options,
    stream: optionalBoolean(body.stream, "stream") ?? false,
    sourceDialect: anthropicDialect,
    extensions: Object.keys(extra).length > 0 ? { [anthropicDialect]: extra } : {},
  };
}

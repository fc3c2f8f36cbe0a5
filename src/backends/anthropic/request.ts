import type { CanonicalCall, ToolChoice, ToolSpec } from "../../core/model/call.ts";
import { type Block, anthropicFields } from "./content.ts";
import { convertMessages, systemField, type Warning, type WireMessage } from "./messages.ts";
import { planThinking, type ThinkingModels } from "./thinking.ts";

export const anthropicDialect = "anthropic";

export interface RequestSettings {
  /** max_tokens when the client gave none (the API requires one). */
  defaultMaxTokens: number;
  models: ThinkingModels;
  /** False from API version 2026-10-21, which rejects temperature/top_p/top_k outright. */
  samplingParameters: boolean;
}

export interface BuiltRequest {
  body: Record<string, unknown>;
  /** Adjustments the client should know about; streamed as `warning` events. */
  warnings: Warning[];
}

/**
 * Same-dialect fields from an Anthropic client that the canonical model does not carry. Hosted
 * (server) tools ride apart in `server_tools`, each with its position in the client's `tools`.
 */
function passthrough(call: CanonicalCall): { fields: Record<string, unknown>; serverTools: ServerTool[] } {
  if (call.sourceDialect !== anthropicDialect) return { fields: {}, serverTools: [] };
  const { server_tools: serverTools, ...fields } = call.extensions[anthropicDialect] ?? {};
  return { fields, serverTools: Array.isArray(serverTools) ? (serverTools as ServerTool[]) : [] };
}

interface ServerTool {
  position: number;
  tool: Record<string, unknown>;
}

/** Function tools with the client's hosted tools put back where they were (prompt caching hashes the order). */
function toolList(call: CanonicalCall, serverTools: ServerTool[]): Array<Record<string, unknown>> {
  const tools = call.tools.map(toolDefinition);
  for (const { position, tool } of [...serverTools].sort((a, b) => a.position - b.position)) {
    tools.splice(Math.min(Math.max(0, position), tools.length), 0, tool);
  }
  return tools;
}

/** No `type: "custom"`: it is optional upstream and compatible servers reject what they do not know. */
function toolDefinition(tool: ToolSpec): Record<string, unknown> {
  return {
    ...anthropicFields(tool),
    name: tool.name,
    ...(tool.description && { description: tool.description }),
    input_schema: tool.parameters,
    ...(tool.strict === true && { strict: true }),
  };
}

function toolChoiceField(choice: ToolChoice | undefined, parallel: boolean | undefined): Record<string, unknown> | undefined {
  const disable = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (!choice) return parallel === false ? { type: "auto", ...disable } : undefined;
  switch (choice.type) {
    case "auto":
      return { type: "auto", ...disable };
    case "none":
      return { type: "none" };
    case "required":
      return { type: "any", ...disable };
    case "named":
      return { type: "tool", name: choice.name, ...disable };
    default: {
      const exhaustive: never = choice;
      return exhaustive;
    }
  }
}

function isThinkingBlock(block: Block | undefined): boolean {
  return block?.type === "thinking" || block?.type === "redacted_thinking";
}

/**
 * With thinking enabled, the assistant turn a tool loop continues must start with its (signed)
 * thinking block — the API answers 400 otherwise. When that turn came from another provider its
 * reasoning was dropped, so the only valid request is one without thinking. (Adaptive thinking
 * lets the model skip thinking, so a turn without it is valid there.)
 */
function continuedTurnLacksThinking(messages: WireMessage[]): boolean {
  const last = messages.at(-1);
  const previous = messages.at(-2);
  if (last?.role !== "user" || previous?.role !== "assistant") return false;
  if (!last.content.some((block) => block.type === "tool_result")) return false;
  return !isThinkingBlock(previous.content[0]);
}

/** A final assistant turn (a prefill) may not carry thinking when thinking is off. */
function stripPrefillThinking(messages: WireMessage[]): void {
  const last = messages.at(-1);
  if (last?.role === "assistant") last.content = last.content.filter((block) => !isThinkingBlock(block));
  if (last?.role === "assistant" && last.content.length === 0) messages.pop();
}

/** The parts of a request that count_tokens and messages share. */
function common(call: CanonicalCall, model: string, settings: RequestSettings, warnings: Warning[]) {
  const { system, messages } = convertMessages(call.messages, warnings);
  const plan = planThinking(call.options, model, settings, call.sourceDialect === anthropicDialect, warnings);
  if (plan.thinking?.type === "enabled" && continuedTurnLacksThinking(messages)) {
    warnings.push({
      code: "thinking_disabled",
      message: "the assistant turn being continued has no Anthropic thinking block (it came from another provider), so thinking is off for this request",
    });
    plan.on = false;
    plan.thinking = { type: "disabled" };
  }
  if (!plan.on) stripPrefillThinking(messages);
  const { fields: extra, serverTools } = passthrough(call);
  const tools = toolList(call, serverTools);
  let choice = tools.length > 0 ? toolChoiceField(call.toolChoice, call.tools.length > 0 ? call.options.parallelToolCalls : undefined) : undefined;
  if (plan.on && (choice?.type === "any" || choice?.type === "tool")) {
    warnings.push({ code: "tool_choice_downgraded", message: `Anthropic does not allow forcing a tool (tool_choice '${choice.type}') with thinking on; tool_choice 'auto' was sent` });
    choice = { ...choice, type: "auto" };
    delete choice.name;
  }
  return { extra, system: systemField(system), messages, plan, tools, choice };
}

/** The Messages API body for a canonical call (always streamed upstream). */
export function messagesRequest(call: CanonicalCall, model: string, settings: RequestSettings): BuiltRequest {
  const warnings: Warning[] = [];
  const { extra, system, messages, plan, tools, choice } = common(call, model, settings, warnings);
  const options = call.options;
  const outputConfig: Record<string, unknown> = { ...(extra.output_config as Record<string, unknown> | undefined) };
  if (plan.effort !== undefined) outputConfig.effort = plan.effort;
  const format = options.responseFormat;
  if (format?.type === "json_schema") outputConfig.format = { type: "json_schema", schema: format.schema };
  if (format?.type === "json_object") {
    warnings.push({ code: "response_format_unsupported", message: "Anthropic has no schema-less JSON mode; response_format json_object was not sent (give a json_schema instead)" });
  }
  const body: Record<string, unknown> = { ...extra, model, max_tokens: plan.maxTokens, messages, stream: true };
  if (system !== undefined) body.system = system;
  if (tools.length > 0) body.tools = tools;
  if (choice) body.tool_choice = choice;
  if (plan.thinking) body.thinking = plan.thinking;
  if (Object.keys(outputConfig).length > 0) body.output_config = outputConfig;
  if (options.stop?.length) body.stop_sequences = options.stop;
  samplingFields(body, call, plan.on, settings.samplingParameters, warnings);
  if (options.user !== undefined) body.metadata = { ...(extra.metadata as Record<string, unknown> | undefined), user_id: options.user };
  return { body, warnings };
}

/**
 * Temperature/top_p/top_k. With thinking on the API rejects modified values, and API version
 * 2026-10-21 rejects the fields altogether; what cannot be sent is left out with a warning.
 */
function samplingFields(body: Record<string, unknown>, call: CanonicalCall, thinking: boolean, allowed: boolean, warnings: Warning[]): void {
  const { temperature, topP, topK } = call.options;
  const accepted: Record<string, boolean> = {
    temperature: allowed && (!thinking || temperature === 1),
    top_p: allowed && (!thinking || (topP ?? 1) >= 0.95),
    top_k: allowed && !thinking,
  };
  const values: Array<[string, number | undefined]> = [["temperature", temperature], ["top_p", topP], ["top_k", topK]];
  for (const [field, value] of values) {
    if (value === undefined) continue;
    if (accepted[field]) body[field] = value;
    else warnings.push({ code: "sampling_dropped", message: `Anthropic does not accept ${field}=${value} ${allowed ? "with thinking on" : "in API version 2026-10-21 and later"}; it was not sent` });
  }
}

/** Fields `/v1/messages/count_tokens` accepts besides the conversation itself. */
const countableExtras = ["context_management", "mcp_servers"] as const;

/** The count_tokens body: the same conversation, tools and thinking, without generation options. */
export function countTokensRequest(call: CanonicalCall, model: string, settings: RequestSettings): Record<string, unknown> {
  const { extra, system, messages, plan, tools, choice } = common(call, model, settings, []);
  const body: Record<string, unknown> = { model, messages };
  for (const key of countableExtras) if (extra[key] !== undefined) body[key] = extra[key];
  if (system !== undefined) body.system = system;
  if (tools.length > 0) body.tools = tools;
  if (choice) body.tool_choice = choice;
  if (plan.thinking) body.thinking = plan.thinking;
  return body;
}

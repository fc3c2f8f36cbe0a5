import type { InboundRequest } from "../../core/codec.ts";
import type { CallOptions, CanonicalCall, Continuation, Message, ReasoningOptions, ResponseFormat } from "../../core/model/call.ts";
import { invalidRequest } from "../../core/model/errors.ts";
import { randomId } from "../../core/model/ids.ts";
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
import { InputDecoder } from "./decode-input.ts";
import { decodeToolChoice, decodeTools } from "./decode-tools.ts";
import { nativeDialect } from "./reasoning-envelope.ts";

export const dialect = nativeDialect;

/** Fields mapped into the canonical call; everything else rides in `extensions["openai-responses"]`. */
const mappedFields: ReadonlySet<string> = new Set([
  "model", "input", "instructions", "tools", "tool_choice", "stream", "temperature", "top_p", "max_output_tokens",
  "reasoning", "include", "text", "parallel_tool_calls", "metadata", "user", "safety_identifier", "presence_penalty",
  "frequency_penalty", "previous_response_id", "store", "conversation", "background", "prompt",
]);

const summaries: ReadonlySet<string> = new Set(["auto", "concise", "detailed"]);
const encryptedInclude = "reasoning.encrypted_content";

/** Marks the system message that came from `instructions`, so responses can echo it and Responses backends restore it. */
export const instructionsSource = "instructions";

/** Server-side state lipstd does not keep: conversation objects, background runs, stored prompts. */
function refuseUnkept(body: JsonObject): void {
  if (body.conversation !== undefined && body.conversation !== null) {
    throw invalidRequest(
      "conversation is not supported: this gateway keeps no conversation objects; chain responses with previous_response_id or send the full conversation in input",
      "conversation",
      "unsupported_parameter",
    );
  }
  if (optionalBoolean(body.background, "background") === true) {
    throw invalidRequest("background mode is not supported: this gateway runs no background responses; use stream instead", "background", "unsupported_parameter");
  }
  if (body.prompt !== undefined && body.prompt !== null) {
    throw invalidRequest("prompt (stored prompt templates) is not supported: send instructions and input instead", "prompt", "unsupported_parameter");
  }
}

function decodeFormat(text: JsonObject | undefined): ResponseFormat | undefined {
  if (text?.format === undefined || text.format === null) return undefined;
  const format = expectObject(text.format, "text.format");
  const type = expectString(format.type, "text.format.type");
  if (type === "text" || type === "json_object") return { type };
  if (type !== "json_schema") throw invalidRequest(`text.format.type: unknown type '${type}'`, "text.format.type");
  const name = optionalString(format.name, "text.format.name");
  const strict = optionalBoolean(format.strict, "text.format.strict");
  const description = optionalString(format.description, "text.format.description");
  return {
    type: "json_schema",
    schema: optionalObject(format.schema, "text.format.schema") ?? {},
    ...(name !== undefined && { name }),
    ...(strict !== undefined && { strict }),
    ...(description !== undefined && { description }),
  };
}

function decodeReasoning(body: JsonObject): ReasoningOptions | undefined {
  const reasoning = optionalObject(body.reasoning, "reasoning");
  const include = body.include === undefined || body.include === null ? [] : expectArray(body.include, "include").map((value, i) => expectString(value, `include[${i}]`));
  const options: ReasoningOptions = {};
  const effort = optionalEffort(reasoning?.effort, "reasoning.effort");
  if (effort !== undefined) {
    options.effort = effort;
    options.enabled = effort !== "none";
  }
  // `generate_summary` is the deprecated spelling of `summary`.
  const summary = optionalString(reasoning?.summary, "reasoning.summary") ?? optionalString(reasoning?.generate_summary, "reasoning.generate_summary");
  if (summary !== undefined) {
    if (!summaries.has(summary)) throw invalidRequest(`reasoning.summary: unknown value '${summary}'`, "reasoning.summary");
    options.summary = summary as ReasoningOptions["summary"];
    options.includeThoughts = true;
  }
  if (include.includes(encryptedInclude)) options.includeEncrypted = true;
  return Object.keys(options).length > 0 ? options : undefined;
}

function decodeOptions(body: JsonObject, text: JsonObject | undefined): CallOptions {
  const options: CallOptions = {};
  const set = <K extends keyof CallOptions>(key: K, value: CallOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  set("temperature", optionalNumber(body.temperature, "temperature", 0, 2));
  set("topP", optionalNumber(body.top_p, "top_p", 0, 1));
  set("maxOutputTokens", optionalInteger(body.max_output_tokens, "max_output_tokens", 1));
  set("presencePenalty", optionalNumber(body.presence_penalty, "presence_penalty", -2, 2));
  set("frequencyPenalty", optionalNumber(body.frequency_penalty, "frequency_penalty", -2, 2));
  set("parallelToolCalls", optionalBoolean(body.parallel_tool_calls, "parallel_tool_calls"));
  set("reasoning", decodeReasoning(body));
  set("responseFormat", decodeFormat(text));
  set("user", optionalString(body.safety_identifier, "safety_identifier") ?? optionalString(body.user, "user"));
  return options;
}

function decodeMetadata(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  const metadata = expectObject(value, "metadata");
  for (const [key, entry] of Object.entries(metadata)) expectString(entry, `metadata.${key}`);
  return metadata as Record<string, string>;
}

function extensionsOf(body: JsonObject, text: JsonObject | undefined, hosted: JsonObject[]): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!mappedFields.has(key)) extra[key] = value;
  if (hosted.length > 0) extra.hosted_tools = hosted;
  const verbosity = optionalString(text?.verbosity, "text.verbosity");
  if (verbosity !== undefined) extra.verbosity = verbosity;
  const include = Array.isArray(body.include) ? (body.include as unknown[]) : [];
  if (include.some((value) => value !== encryptedInclude)) extra.include = include;
  return extra;
}

/**
 * `store` (default true, as at OpenAI) keeps the response under a fresh `resp_` id of 128
 * random bits; `previous_response_id` continues a kept one. The server does both; instructions
 * are this request's alone (the preamble), never carried into a continuation.
 */
function decodeContinuation(body: JsonObject, hasInstructions: boolean): Continuation | undefined {
  const previousId = optionalString(body.previous_response_id, "previous_response_id");
  const store = optionalBoolean(body.store, "store") ?? true;
  if (previousId === undefined && !store) return undefined;
  return { preamble: hasInstructions ? 1 : 0, ...(previousId !== undefined && { previousId }), ...(store && { storeAs: randomId("resp_") }) };
}

export function decodeResponsesRequest(raw: unknown, request?: Pick<InboundRequest, "log">): CanonicalCall {
  const body = expectObject(raw, "body");
  refuseUnkept(body);
  const model = optionalString(body.model, "model") ?? "";
  const text = optionalObject(body.text, "text");
  const messages: Message[] = [];
  const instructions = optionalString(body.instructions, "instructions");
  if (instructions) messages.push({ role: "system", parts: [{ type: "text", text: instructions }], extensions: { [dialect]: { source: instructionsSource } } });
  const input = new InputDecoder(request);
  if (body.input !== undefined && body.input !== null) input.decodeItems(body.input);
  messages.push(...input.messages);
  const continuation = decodeContinuation(body, instructions !== undefined && instructions !== "");
  if (messages.length === 0 && continuation?.previousId === undefined) throw invalidRequest("input: must contain at least one item (or give instructions)", "input");
  const { tools: allTools, hosted } = decodeTools(body.tools, request);
  const { choice, allowed } = decodeToolChoice(body.tool_choice, allTools);
  const tools = allowed ? allTools.filter((tool) => allowed.has(tool.name)) : allTools;
  const extra = extensionsOf(body, text, hosted);
  const metadata = decodeMetadata(body.metadata);
  return {
    model,
    messages,
    tools,
    ...(choice && { toolChoice: choice }),
    options: decodeOptions(body, text),
    stream: optionalBoolean(body.stream, "stream") ?? false,
    sourceDialect: dialect,
    extensions: Object.keys(extra).length > 0 ? { [dialect]: extra } : {},
    ...(metadata && { metadata }),
    ...(continuation && { continuation }),
  };
}

import type { CanonicalCall, CallOptions, Message, ResponseFormat, ToolChoice, ToolSpec } from "../../core/model/call.ts";
import { invalidRequest } from "../../core/model/errors.ts";
import type { ImagePart, Part, ReasoningPart, TextPart } from "../../core/model/parts.ts";
import {
  argumentsText,
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
  optionalStringList,
  parseDataUrl,
} from "../shared/validate.ts";

export const dialect = "openai-chat";

/** Fields we map into the canonical call; everything else rides in extensions for Chat backends. */
const mappedFields = new Set([
  "model", "messages", "tools", "tool_choice", "stream", "stream_options", "temperature", "top_p", "max_tokens",
  "max_completion_tokens", "stop", "n", "reasoning_effort", "response_format", "parallel_tool_calls", "seed",
  "presence_penalty", "frequency_penalty", "user", "metadata", "functions", "function_call",
]);

function decodeContentPart(value: unknown, path: string): Part {
  const part = expectObject(value, path);
  const type = expectString(part.type, `${path}.type`);
  switch (type) {
    case "text":
      return { type: "text", text: expectString(part.text, `${path}.text`) };
    case "refusal":
      return { type: "text", text: expectString(part.refusal, `${path}.refusal`) };
    case "image_url": {
      const image = expectObject(part.image_url, `${path}.image_url`);
      const url = expectString(image.url, `${path}.image_url.url`);
      const detail = optionalString(image.detail, `${path}.image_url.detail`) as ImagePart["detail"];
      const data = parseDataUrl(url);
      const source = data ? { kind: "base64" as const, mediaType: data.mediaType, data: data.data } : { kind: "url" as const, url };
      return { type: "image", source, ...(detail && { detail }) };
    }
    case "file": {
      const file = expectObject(part.file, `${path}.file`);
      const filename = optionalString(file.filename, `${path}.file.filename`);
      const fileId = optionalString(file.file_id, `${path}.file.file_id`);
      const fileData = optionalString(file.file_data, `${path}.file.file_data`);
      if (fileId) return { type: "file", source: { kind: "file_id", fileId }, ...(filename && { filename }) };
      if (!fileData) throw invalidRequest(`${path}.file: needs file_data or file_id`, `${path}.file`);
      const data = parseDataUrl(fileData);
      const source = data
        ? { kind: "base64" as const, mediaType: data.mediaType, data: data.data }
        : { kind: "base64" as const, mediaType: "application/pdf", data: fileData };
      return { type: "file", source, ...(filename && { filename }) };
    }
    case "input_audio":
      throw invalidRequest(`${path}: input_audio content is not supported by this gateway`, path, "unsupported_content");
    default:
      throw invalidRequest(`${path}.type: unknown content part type '${type}'`, `${path}.type`);
  }
}

function decodeContent(value: unknown, path: string): Part[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return value === "" ? [] : [{ type: "text", text: value }];
  return expectArray(value, path).map((part, i) => decodeContentPart(part, `${path}[${i}]`));
}

/** `reasoning_details` (OpenRouter's convention, which our encoder emits) → signed reasoning parts, in order. */
function decodeReasoningDetails(value: unknown, path: string): ReasoningPart[] {
  return expectArray(value, path).flatMap((raw, i): ReasoningPart[] => {
    const entry = expectObject(raw, `${path}[${i}]`);
    const format = optionalString(entry.format, `${path}[${i}].format`) ?? "unknown";
    const id = optionalString(entry.id, `${path}[${i}].id`);
    switch (entry.type) {
      case "reasoning.text": {
        const signature = optionalString(entry.signature, `${path}[${i}].signature`);
        return [{ type: "reasoning", text: optionalString(entry.text, `${path}[${i}].text`) ?? "", kind: "thinking", ...(signature && { signature: { dialect: format, value: signature } }), ...(id && { id }) }];
      }
      case "reasoning.summary":
        return [{ type: "reasoning", text: optionalString(entry.summary, `${path}[${i}].summary`) ?? "", kind: "summary", ...(id && { id }) }];
      case "reasoning.encrypted": {
        const signature = optionalString(entry.signature, `${path}[${i}].signature`);
        return [
          {
            type: "reasoning",
            text: optionalString(entry.text, `${path}[${i}].text`) ?? "",
            opaque: { dialect: format, value: expectString(entry.data, `${path}[${i}].data`) },
            ...(signature && { signature: { dialect: format, value: signature } }),
            ...(id && { id }),
          },
        ];
      }
      default:
        throw invalidRequest(`${path}[${i}].type: unknown reasoning detail type '${String(entry.type)}'`, `${path}[${i}].type`);
    }
  });
}

/** An encrypted detail with no text whose `id` names a call of the message is that call's signature (see encode). */
function withCallSignatures(parts: Part[]): Part[] {
  const calls = new Map(parts.flatMap((part) => (part.type === "tool_call" ? [[part.id, part] as const] : [])));
  return parts.filter((part) => {
    if (part.type !== "reasoning" || !part.opaque || part.signature || part.text !== "" || part.id === undefined) return true;
    const call = calls.get(part.id);
    if (!call || call.signature) return true;
    call.signature = part.opaque;
    return false;
  });
}

function decodeMessage(value: unknown, path: string): Message {
  const message = expectObject(value, path);
  const role = expectString(message.role, `${path}.role`);
  const name = optionalString(message.name, `${path}.name`);
  switch (role) {
    case "system":
    case "developer":
    case "user":
      return { role, parts: decodeContent(message.content, `${path}.content`), ...(name && { name }) };
    case "assistant": {
      const parts: Part[] = [];
      const details = message.reasoning_details;
      if (details !== undefined && details !== null) parts.push(...decodeReasoningDetails(details, `${path}.reasoning_details`));
      else {
        const reasoning = optionalString(message.reasoning_content, `${path}.reasoning_content`);
        if (reasoning) parts.push({ type: "reasoning", text: reasoning, kind: "thinking" });
      }
      parts.push(...decodeContent(message.content, `${path}.content`));
      const refusal = optionalString(message.refusal, `${path}.refusal`);
      if (refusal) parts.push({ type: "text", text: refusal });
      if (message.tool_calls !== undefined && message.tool_calls !== null) {
        expectArray(message.tool_calls, `${path}.tool_calls`).forEach((raw, i) => {
          const callPath = `${path}.tool_calls[${i}]`;
          const call = expectObject(raw, callPath);
          const fn = expectObject(call.function, `${callPath}.function`);
          parts.push({
            type: "tool_call",
            id: expectString(call.id, `${callPath}.id`),
            name: expectString(fn.name, `${callPath}.function.name`),
            arguments: argumentsText(fn.arguments),
          });
        });
      }
      return { role, parts: withCallSignatures(parts), ...(name && { name }) };
    }
    case "tool": {
      const callId = expectString(message.tool_call_id, `${path}.tool_call_id`);
      const content = decodeContent(message.content, `${path}.content`).filter(
        (part): part is TextPart | ImagePart => part.type === "text" || part.type === "image",
      );
      return { role, parts: [{ type: "tool_result", callId, content }] };
    }
    case "function":
      throw invalidRequest(`${path}.role: the deprecated 'function' role is not supported; use 'tool'`, `${path}.role`);
    default:
      throw invalidRequest(`${path}.role: unknown role '${role}'`, `${path}.role`);
  }
}

function decodeTools(value: unknown): ToolSpec[] {
  if (value === undefined || value === null) return [];
  return expectArray(value, "tools").map((raw, i) => {
    const path = `tools[${i}]`;
    const tool = expectObject(raw, path);
    const type = expectString(tool.type, `${path}.type`);
    if (type !== "function") throw invalidRequest(`${path}.type: only 'function' tools are supported, got '${type}'`, `${path}.type`);
    const fn = expectObject(tool.function, `${path}.function`);
    const description = optionalString(fn.description, `${path}.function.description`);
    const strict = optionalBoolean(fn.strict, `${path}.function.strict`);
    const parameters = fn.parameters === undefined ? { type: "object", properties: {} } : expectObject(fn.parameters, `${path}.function.parameters`);
    return { name: expectString(fn.name, `${path}.function.name`), parameters, ...(description && { description }), ...(strict !== undefined && { strict }) };
  });
}

function decodeToolChoice(value: unknown, tools: ToolSpec[]): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === "auto" || value === "none" || value === "required") return { type: value };
  if (typeof value === "string") throw invalidRequest(`tool_choice: unknown value '${value}'`, "tool_choice");
  const choice = expectObject(value, "tool_choice");
  if (choice.type !== "function") throw invalidRequest(`tool_choice.type: expected 'function'`, "tool_choice.type");
  const name = expectString(expectObject(choice.function, "tool_choice.function").name, "tool_choice.function.name");
  if (!tools.some((tool) => tool.name === name)) throw invalidRequest(`tool_choice: no tool named '${name}' in tools`, "tool_choice");
  return { type: "named", name };
}

function decodeResponseFormat(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const format = expectObject(value, "response_format");
  const type = expectString(format.type, "response_format.type");
  if (type === "text" || type === "json_object") return { type };
  if (type !== "json_schema") throw invalidRequest(`response_format.type: unknown type '${type}'`, "response_format.type");
  const spec = expectObject(format.json_schema, "response_format.json_schema");
  const name = optionalString(spec.name, "response_format.json_schema.name");
  const strict = optionalBoolean(spec.strict, "response_format.json_schema.strict");
  const description = optionalString(spec.description, "response_format.json_schema.description");
  return {
    type: "json_schema",
    schema: spec.schema === undefined ? {} : expectObject(spec.schema, "response_format.json_schema.schema"),
    ...(name && { name }),
    ...(strict !== undefined && { strict }),
    ...(description && { description }),
  };
}

function decodeOptions(body: JsonObject): CallOptions {
  const options: CallOptions = {};
  const set = <K extends keyof CallOptions>(key: K, value: CallOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  set("temperature", optionalNumber(body.temperature, "temperature", 0, 2));
  set("topP", optionalNumber(body.top_p, "top_p", 0, 1));
  set("maxOutputTokens", optionalInteger(body.max_completion_tokens, "max_completion_tokens", 1) ?? optionalInteger(body.max_tokens, "max_tokens", 1));
  const stop = optionalStringList(body.stop, "stop");
  if (stop && stop.length > 4) throw invalidRequest(`stop: at most 4 sequences, got ${stop.length}`, "stop");
  set("stop", stop);
  const effort = optionalEffort(body.reasoning_effort, "reasoning_effort");
  if (effort) options.reasoning = { effort, enabled: effort !== "none" };
  set("responseFormat", decodeResponseFormat(body.response_format));
  set("parallelToolCalls", optionalBoolean(body.parallel_tool_calls, "parallel_tool_calls"));
  set("seed", optionalInteger(body.seed, "seed"));
  set("presencePenalty", optionalNumber(body.presence_penalty, "presence_penalty", -2, 2));
  set("frequencyPenalty", optionalNumber(body.frequency_penalty, "frequency_penalty", -2, 2));
  set("user", optionalString(body.user, "user"));
  return options;
}

export function decodeChatRequest(raw: unknown): CanonicalCall {
  const body = expectObject(raw, "body");
  const model = expectString(body.model, "model");
  if (body.functions !== undefined || body.function_call !== undefined) {
    throw invalidRequest("functions/function_call are deprecated and not supported; use tools/tool_choice", "functions");
  }
  const n = optionalInteger(body.n, "n", 1);
  if (n !== undefined && n > 1) throw invalidRequest("n: only n=1 is supported", "n", "unsupported_parameter");
  const messages = expectArray(body.messages, "messages").map((message, i) => decodeMessage(message, `messages[${i}]`));
  if (messages.length === 0) throw invalidRequest("messages: must contain at least one message", "messages");
  const tools = decodeTools(body.tools);
  const toolChoice = decodeToolChoice(body.tool_choice, tools);
  const stream = optionalBoolean(body.stream, "stream") ?? false;
  const streamOptions = optionalObject(body.stream_options, "stream_options");
  const includeUsage = optionalBoolean(streamOptions?.include_usage, "stream_options.include_usage");
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!mappedFields.has(key)) extra[key] = value;
  const metadata = optionalObject(body.metadata, "metadata") as Record<string, string> | undefined;
  return {
    model,
    messages,
    tools,
    ...(toolChoice && { toolChoice }),
    options: decodeOptions(body),
    stream,
    sourceDialect: dialect,
    extensions: Object.keys(extra).length > 0 ? { [dialect]: extra } : {},
    ...(includeUsage !== undefined && { includeUsage }),
    ...(metadata && { metadata }),
  };
}

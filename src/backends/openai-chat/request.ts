import type { CanonicalCall, Message, ToolChoice } from "../../core/model/call.ts";
import type { FilePart, ImagePart, Part, TextPart } from "../../core/model/parts.ts";
import { chatToolCallIds, fitToolCallId } from "../shared/tool-call-id.ts";

/** Differences between OpenAI itself and the servers that copy its Chat API. */
export interface ChatQuirks {
  /** Send `developer` messages as `system` (most compatible servers lack the role). */
  developerAsSystem: boolean;
  /** Use `max_tokens` instead of `max_completion_tokens`. */
  legacyMaxTokens: boolean;
  /** Send `stream_options.include_usage` (some servers reject the field). */
  streamUsage: boolean;
  /** Send prior reasoning back as `reasoning_content` (DeepSeek-style servers require it). */
  reasoningContent: boolean;
}

export const openaiQuirks: ChatQuirks = { developerAsSystem: false, legacyMaxTokens: false, streamUsage: true, reasoningContent: false };

function mediaUrl(part: ImagePart | FilePart): string {
  const source = part.source;
  switch (source.kind) {
    case "url":
      return source.url;
    case "base64":
      return `data:${source.mediaType};base64,${source.data}`;
    case "file_id":
      return source.fileId;
    case "text":
      return `data:${source.mediaType ?? "text/plain"};base64,${Buffer.from(source.text).toString("base64")}`;
    default: {
      const exhaustive: never = source;
      return exhaustive;
    }
  }
}

function contentPart(part: TextPart | ImagePart | FilePart): Record<string, unknown> {
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text };
    case "image":
      return { type: "image_url", image_url: { url: mediaUrl(part), ...(part.detail && { detail: part.detail }) } };
    case "file":
      if (part.source.kind === "file_id") return { type: "file", file: { file_id: part.source.fileId } };
      if (part.source.kind === "text") return { type: "text", text: part.source.text };
      return { type: "file", file: { file_data: mediaUrl(part), ...(part.filename && { filename: part.filename }) } };
    default: {
      const exhaustive: never = part;
      return exhaustive;
    }
  }
}

/** Plain string when the content is text only: the widest-compatible form. */
function content(parts: Array<TextPart | ImagePart | FilePart>): string | Array<Record<string, unknown>> {
  if (parts.every((part) => part.type === "text")) return parts.map((part) => (part as TextPart).text).join("");
  return parts.map(contentPart);
}

function isContent(part: Part): part is TextPart | ImagePart | FilePart {
  return part.type === "text" || part.type === "image" || part.type === "file";
}

/**
 * @param deferred collects the content that a `tool` message cannot hold (Chat tool messages are
 * text only): it is sent as a user message after the run of tool messages, because anything
 * between two tool messages breaks the call/result pairing the API checks.
 */
function messages(message: Message, quirks: ChatQuirks, deferred: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  const name = message.name ? { name: message.name } : {};
  switch (message.role) {
    case "system":
    case "developer":
    case "user": {
      const role = message.role === "developer" && quirks.developerAsSystem ? "system" : message.role;
      return [{ role, content: content(message.parts.filter(isContent)), ...name }];
    }
    case "assistant": {
      const text = message.parts.filter((part): part is TextPart => part.type === "text").map((part) => part.text).join("");
      const calls = message.parts.flatMap((part) =>
        part.type === "tool_call" ? [{ id: fitToolCallId(part.id, chatToolCallIds), type: "function", function: { name: part.name, arguments: part.arguments } }] : [],
      );
      const reasoning = message.parts.flatMap((part) => (part.type === "reasoning" ? [part.text] : [])).join("");
      return [
        {
          role: "assistant",
          content: text === "" && calls.length > 0 ? null : text,
          ...(calls.length > 0 && { tool_calls: calls }),
          ...(quirks.reasoningContent && reasoning && { reasoning_content: reasoning }),
          ...name,
        },
      ];
    }
    case "tool":
      // One Chat `tool` message per result; images, files and other parts of a tool turn follow as user content.
      return message.parts.flatMap((part) => {
        if (part.type === "tool_result") {
          const callId = fitToolCallId(part.callId, chatToolCallIds);
          let text = part.content.filter((item): item is TextPart => item.type === "text").map((item) => item.text).join("");
          const media = part.content.filter((item) => item.type !== "text");
          if (media.length > 0) {
            deferred.push({ type: "text", text: `Attachments returned by tool call ${callId}:` }, ...media.map(contentPart));
            text += `${text === "" ? "" : "\n"}[${media.length} attachment(s) follow in the next user message]`;
          }
          return [{ role: "tool", tool_call_id: callId, content: part.isError ? `[tool error] ${text}` : text }];
        }
        if (isContent(part)) deferred.push(contentPart(part));
        return [];
      });
    default: {
      const exhaustive: never = message.role;
      return exhaustive;
    }
  }
}

function chatMessages(list: readonly Message[], quirks: ChatQuirks): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  let deferred: Array<Record<string, unknown>> = [];
  for (const message of list) {
    if (message.role !== "tool" && deferred.length > 0) {
      out.push({ role: "user", content: deferred });
      deferred = [];
    }
    out.push(...messages(message, quirks, deferred));
  }
  if (deferred.length > 0) out.push({ role: "user", content: deferred });
  return out;
}

function toolChoice(choice: ToolChoice): unknown {
  switch (choice.type) {
    case "auto":
    case "none":
    case "required":
      return choice.type;
    case "named":
      return { type: "function", function: { name: choice.name } };
    default: {
      const exhaustive: never = choice;
      return exhaustive;
    }
  }
}

/** The Chat Completions request body for a canonical call (always streamed upstream). */
export function chatRequestBody(call: CanonicalCall, model: string, quirks: ChatQuirks): Record<string, unknown> {
  const options = call.options;
  const body: Record<string, unknown> = {
    // Same-dialect fields we do not model ride through unchanged (logprobs, service_tier, …).
    ...(call.sourceDialect === "openai-chat" ? call.extensions["openai-chat"] : undefined),
    model,
    messages: chatMessages(call.messages, quirks),
    stream: true,
  };
  if (quirks.streamUsage) body.stream_options = { include_usage: true };
  if (call.tools.length > 0) {
    body.tools = call.tools.map((tool) => ({
      type: "function",
      function: { name: tool.name, ...(tool.description && { description: tool.description }), parameters: tool.parameters, ...(tool.strict !== undefined && { strict: tool.strict }) },
    }));
  }
  if (call.toolChoice) body.tool_choice = toolChoice(call.toolChoice);
  if (options.temperature !== undefined) body.temperature = options.temperature;
  if (options.topP !== undefined) body.top_p = options.topP;
  if (options.maxOutputTokens !== undefined) body[quirks.legacyMaxTokens ? "max_tokens" : "max_completion_tokens"] = options.maxOutputTokens;
  if (options.stop?.length) body.stop = options.stop;
  if (options.reasoning?.effort) body.reasoning_effort = options.reasoning.effort;
  if (options.parallelToolCalls !== undefined && call.tools.length > 0) body.parallel_tool_calls = options.parallelToolCalls;
  if (options.seed !== undefined) body.seed = options.seed;
  if (options.presencePenalty !== undefined) body.presence_penalty = options.presencePenalty;
  if (options.frequencyPenalty !== undefined) body.frequency_penalty = options.frequencyPenalty;
  if (options.user !== undefined) body.user = options.user;
  if (options.verbosity !== undefined) body.verbosity = options.verbosity;
  const format = options.responseFormat;
  if (format) {
    body.response_format =
      format.type === "json_schema"
        ? { type: "json_schema", json_schema: { name: format.name ?? "response", schema: format.schema, ...(format.strict !== undefined && { strict: format.strict }), ...(format.description && { description: format.description }) } }
        : { type: format.type };
  }
  if (call.metadata) body.metadata = call.metadata;
  return body;
}

import type { CollectedResponse } from "../../core/collect.ts";
import type { StreamEncoder } from "../../core/codec.ts";
import type { CanonicalCall } from "../../core/model/call.ts";
import type { CanonicalEvent, FinishReason } from "../../core/model/events.ts";
import type { ReasoningPart, ToolCallPart } from "../../core/model/parts.ts";
import type { Usage } from "../../core/model/usage.ts";
import { modelStopError } from "../shared/model-error.ts";
import { openaiErrorObject } from "../shared/openai-errors.ts";

export function chatFinishReason(reason: FinishReason | undefined, hasToolCalls: boolean): string {
  if (hasToolCalls && (reason === "stop" || reason === "tool_calls" || reason === undefined)) return "tool_calls";
  switch (reason) {
    case "length":
      return "length";
    case "content_filter":
      return "content_filter";
    case "tool_calls":
      return "tool_calls";
    default:
      return "stop";
  }
}

export function chatUsage(usage: Usage): Record<string, unknown> {
  const prompt = usage.inputTokens ?? 0;
  const completion = usage.outputTokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: usage.totalTokens ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
  };
}

/**
 * Chat has no standard field for reasoning signatures. We use OpenRouter's `reasoning_details`
 * convention so Chat clients can send signed reasoning back verbatim and a backend of the issuing
 * provider can replay it; `format` names the provider family.
 */
export function reasoningDetails(part: ReasoningPart): Array<Record<string, unknown>> {
  const signed = part.signature ? { signature: part.signature.value, format: part.signature.dialect } : {};
  // One entry per reasoning part, so the client's echo decodes back to the same parts.
  if (!part.opaque) return [{ type: "reasoning.text", text: part.text, ...signed }];
  return [{ type: "reasoning.encrypted", data: part.opaque.value, format: part.opaque.dialect, ...(part.text && { text: part.text }), ...(part.signature && { signature: part.signature.value }), ...(part.id && { id: part.id }) }];
}

/**
 * A tool call's signature (Gemini signs function calls) rides as an encrypted reasoning detail
 * whose `id` is the call's id, as OpenRouter carries Gemini's; decode gives it back to that call.
 */
export function toolCallSignatureDetail(part: Pick<ToolCallPart, "id" | "signature">): Record<string, unknown> | undefined {
  if (!part.signature) return undefined;
  return { type: "reasoning.encrypted", id: part.id, data: part.signature.value, format: part.signature.dialect };
}

export function chatCompletionId(upstreamId: string): string {
  return upstreamId.startsWith("chatcmpl-") ? upstreamId : `chatcmpl-${upstreamId}`;
}

/**
 * Chat Completions SSE. Each chunk shares a pre-built prefix (id, created, model), so per event
 * only the delta is serialised. Tool calls are numbered by their own ordinal, as Chat's `index`.
 */
export function createChatStreamEncoder(call: CanonicalCall): StreamEncoder {
  let prefix = "";
  let toolOrdinal = -1;
  let sawTool = false;
  /** Arguments of the open call sent so far, to send what tool_call_finished adds. */
  let streamedArguments = "";
  let usage: Usage | undefined;
  let failed = false;
  let reasoningText = "";
  const chunk = (delta: string, finish = "null") => `data: ${prefix}"choices":[{"index":0,"delta":${delta},"finish_reason":${finish}}]}\n\n`;
  const argumentsChunk = (text: string) => (text === "" ? "" : chunk(`{"tool_calls":[{"index":${toolOrdinal},"function":{"arguments":${JSON.stringify(text)}}}]}`));
  return {
    contentType: "text/event-stream",
    encode(event: CanonicalEvent): string {
      switch (event.type) {
        case "response_started":
          prefix = `{"id":${JSON.stringify(chatCompletionId(event.id))},"object":"chat.completion.chunk","created":${event.created},"model":${JSON.stringify(event.model || call.model)},`;
          return "";
        case "message_started":
          return chunk(`{"role":"assistant","content":""}`);
        case "text_delta":
          return event.text === "" ? "" : chunk(`{"content":${JSON.stringify(event.text)}}`);
        case "reasoning_delta":
          reasoningText += event.text;
          return event.text === "" ? "" : chunk(`{"reasoning_content":${JSON.stringify(event.text)}}`);
        case "reasoning_signature_delta": {
          const details = reasoningDetails({ type: "reasoning", text: reasoningText, ...(event.signature && { signature: event.signature }), ...(event.opaque && { opaque: event.opaque }) });
          reasoningText = "";
          return chunk(`{"reasoning_details":${JSON.stringify(details)}}`);
        }
        case "tool_call_started": {
          toolOrdinal++;
          sawTool = true;
          streamedArguments = "";
          const carrier = toolCallSignatureDetail(event);
          return (
            (carrier ? chunk(`{"reasoning_details":[${JSON.stringify(carrier)}]}`) : "") +
            chunk(`{"tool_calls":[{"index":${toolOrdinal},"id":${JSON.stringify(event.id)},"type":"function","function":{"name":${JSON.stringify(event.name)},"arguments":""}}]}`)
          );
        }
        case "tool_call_args_delta":
          streamedArguments += event.delta;
          return argumentsChunk(event.delta);
        case "tool_call_finished": {
          // Whole-call backends and no-argument tools send no deltas: the arguments (or what the deltas missed) go out here.
          if (!event.arguments.startsWith(streamedArguments)) return "";
          const rest = event.arguments.slice(streamedArguments.length);
          streamedArguments = event.arguments;
          return argumentsChunk(rest);
        }
        case "usage":
          usage = { ...usage, ...event.usage };
          return "";
        case "response_finished": {
          if (event.finishReason === "error") {
            failed = true;
            return `data: ${JSON.stringify({ error: openaiErrorObject(modelStopError(event.rawFinishReason).error) })}\n\n`;
          }
          const finish = chunk("{}", JSON.stringify(chatFinishReason(event.finishReason, sawTool)));
          if (!call.includeUsage || !usage) return finish;
          return `${finish}data: ${prefix}"choices":[],"usage":${JSON.stringify(chatUsage(usage))}}\n\n`;
        }
        case "error":
          failed = true;
          return `data: ${JSON.stringify({ error: openaiErrorObject(event.error) })}\n\n`;
        case "warning":
          return "";
        default: {
          const exhaustive: never = event;
          return exhaustive;
        }
      }
    },
    end: () => (failed ? "" : "data: [DONE]\n\n"),
    keepalive: () => ": keepalive\n\n",
  };
}

export function encodeChatResponse(response: CollectedResponse, call: CanonicalCall): unknown {
  // Chat has no finish reason for it: thrown, it is the dialect's error response.
  if (response.finishReason === "error") throw modelStopError(response.rawFinishReason);
  let content = "";
  let reasoning = "";
  const toolCalls: ToolCallPart[] = [];
  const details: Array<Record<string, unknown>> = [];
  for (const part of response.parts) {
    if (part.type === "text") content += part.text;
    else if (part.type === "tool_call") {
      toolCalls.push(part);
      const carrier = toolCallSignatureDetail(part);
      if (carrier) details.push(carrier);
    }
    else if (part.type === "reasoning") {
      reasoning += part.text;
      if (part.signature || part.opaque) details.push(...reasoningDetails(part));
    }
  }
  const message: Record<string, unknown> = { role: "assistant", content: content === "" && toolCalls.length > 0 ? null : content, refusal: null };
  if (reasoning) message.reasoning_content = reasoning;
  if (details.length > 0) message.reasoning_details = details;
  if (toolCalls.length > 0) {
    message.tool_calls = toolCalls.map((part) => ({ id: part.id, type: "function", function: { name: part.name, arguments: part.arguments } }));
  }
  return {
    id: chatCompletionId(response.id),
    object: "chat.completion",
    created: response.created,
    model: response.model || call.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: chatFinishReason(response.finishReason, toolCalls.length > 0) }],
    ...(response.usage && { usage: chatUsage(response.usage) }),
  };
}

import { LipError, kindForStatus } from "../../core/model/errors.ts";
import { randomId } from "../../core/model/ids.ts";
import type { CanonicalEvent, FinishReason } from "../../core/model/events.ts";
import type { Usage } from "../../core/model/usage.ts";
import { redactSecrets } from "../shared/upstream-error.ts";

interface ChunkToolCall {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

interface ChatChunk {
  id?: string;
  model?: string;
  created?: number;
  choices?: Array<{
    delta?: { content?: string | null; reasoning_content?: string | null; reasoning?: string | null; refusal?: string | null; tool_calls?: ChunkToolCall[] };
    finish_reason?: string | null;
  }>;
  usage?: {
    prompt_tokens?: number;
    completion_tokens?: number;
    total_tokens?: number;
    prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number };
    completion_tokens_details?: { reasoning_tokens?: number };
  } | null;
  error?: { message?: string; type?: string; code?: string | number };
}

export function chatFinishReason(raw: string): FinishReason {
  switch (raw) {
    case "stop":
      return "stop";
    case "length":
      return "length";
    case "tool_calls":
    case "function_call":
      return "tool_calls";
    case "content_filter":
      return "content_filter";
    default:
      return "other";
  }
}

function usageOf(raw: NonNullable<ChatChunk["usage"]>): Usage {
  const usage: Usage = {};
  if (raw.prompt_tokens !== undefined) usage.inputTokens = raw.prompt_tokens;
  if (raw.completion_tokens !== undefined) usage.outputTokens = raw.completion_tokens;
  if (raw.total_tokens !== undefined) usage.totalTokens = raw.total_tokens;
  if (raw.prompt_tokens_details?.cached_tokens !== undefined) usage.cacheReadTokens = raw.prompt_tokens_details.cached_tokens;
  if (raw.prompt_tokens_details?.cache_write_tokens !== undefined) usage.cacheWriteTokens = raw.prompt_tokens_details.cache_write_tokens;
  if (raw.completion_tokens_details?.reasoning_tokens !== undefined) usage.reasoningTokens = raw.completion_tokens_details.reasoning_tokens;
  return usage;
}

type Block = { kind: "text" } | { kind: "reasoning" } | { kind: "tool"; upstreamIndex: number; arguments: string };

/**
 * Chat Completions chunks → canonical events. Block indices are ours: a change from reasoning
 * to text, or a new upstream tool index, opens the next block. Finish and usage are held until
 * the stream ends, because Chat sends usage after the finish chunk.
 */
export function createChatStreamMapper(backendId: string, fallbackModel: string) {
  let started = false;
  let index = -1;
  let block: Block | undefined;
  let finish: { reason: FinishReason; raw: string } | undefined;
  let usage: Usage | undefined;
  const seenTools = new Set<number>();

  function closeTool(events: CanonicalEvent[]): void {
    if (block?.kind === "tool") events.push({ type: "tool_call_finished", index, arguments: block.arguments });
  }

  function open(next: Block, events: CanonicalEvent[]): void {
    closeTool(events);
    index++;
    block = next;
  }

  return {
    /** Events for one parsed `data:` chunk, appended to `events` (a new array when not given). */
    map(chunk: ChatChunk, events: CanonicalEvent[] = []): CanonicalEvent[] {
      if (chunk.error) {
        const status = typeof chunk.error.code === "number" ? chunk.error.code : 502;
        throw new LipError(kindForStatus(status), redactSecrets(`upstream ${backendId} error: ${chunk.error.message ?? "unknown error"}`), { status: 502, code: "upstream_stream_error" });
      }
      if (!started) {
        started = true;
        events.push({ type: "response_started", id: chunk.id ?? "", model: chunk.model ?? fallbackModel, created: chunk.created ?? Math.floor(Date.now() / 1000) });
        events.push({ type: "message_started", role: "assistant" });
      }
      if (chunk.usage) usage = usageOf(chunk.usage);
      const choice = chunk.choices?.[0];
      if (!choice) return events;
      const delta = choice.delta;
      const reasoning = delta?.reasoning_content ?? delta?.reasoning;
      if (reasoning) {
        if (block?.kind !== "reasoning") open({ kind: "reasoning" }, events);
        events.push({ type: "reasoning_delta", index, text: reasoning, kind: "thinking" });
      }
      const text = (delta?.content ?? "") + (delta?.refusal ?? "");
      if (text) {
        if (block?.kind !== "text") open({ kind: "text" }, events);
        events.push({ type: "text_delta", index, text });
      }
      const toolCalls = delta?.tool_calls;
      if (toolCalls) {
        for (const call of toolCalls) {
          const upstreamIndex = call.index ?? 0;
          if (block?.kind !== "tool" || block.upstreamIndex !== upstreamIndex) {
            if (seenTools.has(upstreamIndex)) {
              throw new LipError("upstream", `upstream ${backendId} interleaved tool call deltas`, { code: "malformed_stream" });
            }
            seenTools.add(upstreamIndex);
            open({ kind: "tool", upstreamIndex, arguments: "" }, events);
            events.push({ type: "tool_call_started", index, id: call.id || randomId("call_"), name: call.function?.name ?? "" });
          }
          const args = call.function?.arguments;
          if (args && block?.kind === "tool") {
            block.arguments += args;
            events.push({ type: "tool_call_args_delta", index, delta: args });
          }
        }
      }
      if (choice.finish_reason) finish = { reason: chatFinishReason(choice.finish_reason), raw: choice.finish_reason };
      return events;
    },
    /** Events at `[DONE]` or end of body; a stream that never finished is a failure. */
    end(): CanonicalEvent[] {
      if (!finish) throw new LipError("upstream", `upstream ${backendId} stream ended without a finish reason`, { code: "truncated_stream" });
      const events: CanonicalEvent[] = [];
      closeTool(events);
      block = undefined;
      if (usage) events.push({ type: "usage", usage });
      events.push({ type: "response_finished", finishReason: finish.reason, rawFinishReason: finish.raw });
      return events;
    },
  };
}

import { type ErrorKind, LipError } from "../../core/model/errors.ts";
import { randomId } from "../../core/model/ids.ts";
import type { CanonicalEvent, FinishReason } from "../../core/model/events.ts";
import type { Usage } from "../../core/model/usage.ts";
import { redactSecrets } from "../shared/upstream-error.ts";
import { responsesDialect } from "./request.ts";

/** The fields of Responses stream events this mapper reads (the wire has more). */
export interface ResponsesEvent {
  type: string;
  output_index?: number;
  summary_index?: number;
  item_id?: string;
  delta?: string;
  item?: ResponsesItem;
  response?: ResponsesObject;
  code?: string | null;
  message?: string;
}

interface ResponsesItem {
  type: string;
  id?: string;
  call_id?: string;
  name?: string;
  arguments?: string;
  encrypted_content?: string | null;
  summary?: Array<{ text?: string }>;
  content?: Array<{ type: string; text?: string; refusal?: string }>;
}

interface ResponsesObject {
  id?: string;
  model?: string;
  created_at?: number;
  usage?: {
    input_tokens?: number;
    input_tokens_details?: { cached_tokens?: number };
    output_tokens?: number;
    output_tokens_details?: { reasoning_tokens?: number };
    total_tokens?: number;
  } | null;
  incomplete_details?: { reason?: string } | null;
  error?: { code?: string | null; message?: string } | null;
}

const failureKinds: Record<string, ErrorKind> = {
  rate_limit_exceeded: "rate_limited",
  insufficient_quota: "rate_limited",
  server_error: "upstream",
  internal_error: "upstream",
  vector_store_timeout: "timeout",
  context_length_exceeded: "invalid_request",
  invalid_prompt: "invalid_request",
};

/** A `response.failed` or `error` event as a canonical error (codes: openai-node ResponseError). */
export function responsesFailure(backendId: string, code: string | null | undefined, message: string | undefined): LipError {
  const kind = failureKinds[code ?? ""] ?? (code?.startsWith("invalid_") ? "invalid_request" : "upstream");
  return new LipError(kind, redactSecrets(`upstream ${backendId} failed: ${message ?? code ?? "unknown error"}`).slice(0, 1000), {
    status: kind === "invalid_request" ? 400 : kind === "rate_limited" ? 429 : kind === "timeout" ? 504 : 502,
    code: code ? `upstream_${code}` : "upstream_failed",
  });
}

function usageOf(raw: NonNullable<ResponsesObject["usage"]>): Usage {
  const usage: Usage = {};
  if (raw.input_tokens !== undefined) usage.inputTokens = raw.input_tokens;
  if (raw.output_tokens !== undefined) usage.outputTokens = raw.output_tokens;
  if (raw.total_tokens !== undefined) usage.totalTokens = raw.total_tokens;
  if (raw.input_tokens_details?.cached_tokens !== undefined) usage.cacheReadTokens = raw.input_tokens_details.cached_tokens;
  if (raw.output_tokens_details?.reasoning_tokens !== undefined) usage.reasoningTokens = raw.output_tokens_details.reasoning_tokens;
  return usage;
}

function incompleteReason(reason: string | undefined): FinishReason {
  if (reason === "max_output_tokens") return "length";
  if (reason === "content_filter") return "content_filter";
  return "other";
}

type Block =
  | { kind: "text"; outputIndex: number }
  | { kind: "reasoning"; outputIndex: number; summaryIndex: number; hasText: boolean }
  | { kind: "tool"; outputIndex: number; arguments: string; finished: boolean };

/**
 * Responses stream events → canonical events. Each output item (reasoning, message, function
 * call) becomes one block, opened lazily on its first content so empty items leave no trace.
 * Items are sequential on the wire; one that comes back after its block closed is malformed.
 */
export function createResponsesStreamMapper(backendId: string, fallbackModel: string) {
  let started = false;
  let ended = false;
  let index = -1;
  let block: Block | undefined;
  let sawToolCall = false;
  const closedItems = new Set<number>();
  const warnedTypes = new Set<string>();

  function close(events: CanonicalEvent[]): void {
    if (block?.kind === "tool" && !block.finished) events.push({ type: "tool_call_finished", index, arguments: block.arguments });
    if (block) closedItems.add(block.outputIndex);
    block = undefined;
  }

  function enter<K extends Block["kind"]>(kind: K, outputIndex: number, events: CanonicalEvent[], make: () => Extract<Block, { kind: K }>): Extract<Block, { kind: K }> {
    if (block?.kind === kind && block.outputIndex === outputIndex) return block as Extract<Block, { kind: K }>;
    if (closedItems.has(outputIndex)) throw new LipError("upstream", `upstream ${backendId} interleaved output items`, { code: "malformed_stream" });
    close(events);
    index++;
    block = make();
    return block as Extract<Block, { kind: K }>;
  }

  function start(response: ResponsesObject | undefined, events: CanonicalEvent[]): void {
    if (started) return;
    started = true;
    events.push({ type: "response_started", id: response?.id ?? "", model: response?.model ?? fallbackModel, created: response?.created_at ?? Math.floor(Date.now() / 1000) });
    events.push({ type: "message_started", role: "assistant" });
  }

  function reasoningText(outputIndex: number, id: string | undefined, summaryIndex: number, text: string, kind: "summary" | "thinking", events: CanonicalEvent[]): void {
    const reasoning = enter("reasoning", outputIndex, events, () => ({ kind: "reasoning", outputIndex, summaryIndex, hasText: false }));
    // Summary parts are paragraphs of one reasoning block.
    const separator = reasoning.hasText && summaryIndex !== reasoning.summaryIndex ? "\n\n" : "";
    reasoning.summaryIndex = summaryIndex;
    reasoning.hasText = true;
    events.push({ type: "reasoning_delta", index, text: separator + text, kind, ...(id ? { id } : {}) });
  }

  function itemDone(outputIndex: number, item: ResponsesItem, events: CanonicalEvent[]): void {
    switch (item.type) {
      case "reasoning": {
        const current = block?.kind === "reasoning" && block.outputIndex === outputIndex ? block : undefined;
        const summary = (item.summary ?? []).map((part) => part.text ?? "").filter((text) => text !== "").join("\n\n");
        if (!current?.hasText && summary) reasoningText(outputIndex, item.id, 0, summary, "summary", events);
        if (item.encrypted_content) {
          enter("reasoning", outputIndex, events, () => ({ kind: "reasoning", outputIndex, summaryIndex: 0, hasText: false }));
          events.push({ type: "reasoning_signature_delta", index, opaque: { dialect: responsesDialect, value: item.encrypted_content }, ...(item.id ? { id: item.id } : {}) });
        }
        break;
      }
      case "message": {
        const streamed = block?.kind === "text" && block.outputIndex === outputIndex;
        const text = (item.content ?? []).map((part) => part.text ?? part.refusal ?? "").join("");
        if (!streamed && text) {
          enter("text", outputIndex, events, () => ({ kind: "text", outputIndex }));
          events.push({ type: "text_delta", index, text });
        }
        break;
      }
      case "function_call": {
        const tool = enter("tool", outputIndex, events, () => {
          throw new LipError("upstream", `upstream ${backendId} finished a function call it never started`, { code: "malformed_stream" });
        });
        const args = item.arguments ?? tool.arguments;
        events.push({ type: "tool_call_finished", index, arguments: args });
        tool.finished = true;
        break;
      }
      default:
        break;
    }
    if (block?.outputIndex === outputIndex) close(events);
  }

  function finish(response: ResponsesObject | undefined, reason: FinishReason, raw: string, events: CanonicalEvent[]): void {
    close(events);
    if (response?.usage) events.push({ type: "usage", usage: usageOf(response.usage) });
    events.push({ type: "response_finished", finishReason: reason, rawFinishReason: raw });
    ended = true;
  }

  return {
    /** Events for one parsed stream event. */
    map(event: ResponsesEvent): CanonicalEvent[] {
      const events: CanonicalEvent[] = [];
      if (event.type === "error") throw responsesFailure(backendId, event.code, event.message);
      start(event.response, events);
      const outputIndex = event.output_index ?? 0;
      switch (event.type) {
        case "response.output_item.added": {
          const item = event.item;
          if (item?.type === "function_call") {
            sawToolCall = true;
            enter("tool", outputIndex, events, () => ({ kind: "tool", outputIndex, arguments: "", finished: false }));
            events.push({ type: "tool_call_started", index, id: item.call_id || item.id || randomId("call_"), name: item.name ?? "" });
          } else if (item && item.type !== "message" && item.type !== "reasoning" && !warnedTypes.has(item.type)) {
            warnedTypes.add(item.type);
            events.push({ type: "warning", code: "unsupported_output_item", message: `upstream output item '${item.type}' has no canonical form; it was not forwarded` });
          }
          break;
        }
        case "response.output_text.delta":
        case "response.refusal.delta":
          if (event.delta) {
            enter("text", outputIndex, events, () => ({ kind: "text", outputIndex }));
            events.push({ type: "text_delta", index, text: event.delta });
          }
          break;
        case "response.reasoning_summary_text.delta":
          if (event.delta) reasoningText(outputIndex, event.item_id, event.summary_index ?? 0, event.delta, "summary", events);
          break;
        case "response.reasoning_text.delta":
          if (event.delta) reasoningText(outputIndex, event.item_id, 0, event.delta, "thinking", events);
          break;
        case "response.function_call_arguments.delta":
          if (event.delta) {
            const tool = enter("tool", outputIndex, events, () => {
              throw new LipError("upstream", `upstream ${backendId} sent arguments for a function call it never started`, { code: "malformed_stream" });
            });
            tool.arguments += event.delta;
            events.push({ type: "tool_call_args_delta", index, delta: event.delta });
          }
          break;
        case "response.output_item.done":
          if (event.item) itemDone(outputIndex, event.item, events);
          break;
        case "response.completed":
          finish(event.response, sawToolCall ? "tool_calls" : "stop", "completed", events);
          break;
        case "response.incomplete": {
          const reason = event.response?.incomplete_details?.reason;
          finish(event.response, incompleteReason(reason), reason ?? "incomplete", events);
          break;
        }
        case "response.failed":
          throw responsesFailure(backendId, event.response?.error?.code, event.response?.error?.message);
        default:
          // created/in_progress/queued, *.done duplicates, content parts, annotations, hosted-tool progress.
          break;
      }
      return events;
    },
    /** True once a terminal response event was mapped. */
    get ended(): boolean {
      return ended;
    },
  };
}

import { LipError } from "../../core/model/errors.ts";
import { randomId } from "../../core/model/ids.ts";
import type { CanonicalEvent, FinishReason } from "../../core/model/events.ts";
import type { Usage } from "../../core/model/usage.ts";
import { malformedStream, streamError } from "./errors.ts";
import type { Warning } from "./messages.ts";

/** One parsed `data:` payload of the Messages stream; fields are optional, the wire is untrusted. */
export interface StreamPayload {
  type?: string;
  index?: number;
  message?: { id?: string; model?: string; usage?: RawUsage };
  content_block?: { type?: string; text?: string; id?: string; name?: string; input?: unknown; data?: string; thinking?: string; signature?: string };
  delta?: { type?: string; text?: string; partial_json?: string; thinking?: string; signature?: string; stop_reason?: string | null; stop_sequence?: string | null };
  usage?: RawUsage;
  error?: { type?: unknown; message?: unknown };
}

export interface RawUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

export function anthropicFinishReason(raw: string): FinishReason {
  switch (raw) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "tool_use":
      return "tool_calls";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "pause_turn":
      return "pause";
    case "refusal":
      return "content_filter";
    default:
      return "other";
  }
}

/** Anthropic's input_tokens exclude cache reads and writes; canonical input counts every prompt token. */
export function canonicalUsage(raw: RawUsage): Usage {
  const usage: Usage = {};
  const cacheRead = raw.cache_read_input_tokens ?? undefined;
  const cacheWrite = raw.cache_creation_input_tokens ?? undefined;
  if (raw.input_tokens !== undefined && raw.input_tokens !== null) usage.inputTokens = raw.input_tokens + (cacheRead ?? 0) + (cacheWrite ?? 0);
  if (raw.output_tokens !== undefined && raw.output_tokens !== null) usage.outputTokens = raw.output_tokens;
  if (cacheRead !== undefined) usage.cacheReadTokens = cacheRead;
  if (cacheWrite !== undefined) usage.cacheWriteTokens = cacheWrite;
  return usage;
}

type Block =
  | { kind: "text"; index?: number }
  | { kind: "thinking"; index?: number; signature: string }
  | { kind: "redacted"; index?: number }
  | { kind: "tool"; index?: number; arguments: string; initial: string; finished: boolean }
  | { kind: "skipped" };

/**
 * Messages stream payloads → canonical events. Upstream blocks are keyed by their own index; a
 * canonical index is taken only when a block first emits, so an empty upstream block never
 * leaves a gap. Block kinds the canonical model cannot carry (server tool use and results) are
 * skipped with one warning per kind. `message_delta` usage is cumulative: the last value wins.
 */
export function createAnthropicStreamMapper(backendId: string, fallbackModel: string, warnings: readonly Warning[] = []) {
  let started = false;
  let finished = false;
  let nextIndex = 0;
  const blocks = new Map<number, Block>();
  const skippedKinds = new Set<string>();
  let rawUsage: RawUsage = {};
  let stopReason: string | undefined;
  let stopSequence: string | undefined;

  function indexOf(block: Exclude<Block, { kind: "skipped" }>): number {
    block.index ??= nextIndex++;
    return block.index;
  }

  function blockAt(payload: StreamPayload): Block {
    const block = blocks.get(payload.index ?? -1);
    if (!block) throw malformedStream(backendId, `${payload.type} for unknown block ${payload.index}`);
    return block;
  }

  function finishTool(block: Extract<Block, { kind: "tool" }>, events: CanonicalEvent[]): void {
    if (block.finished) return;
    block.finished = true;
    events.push({ type: "tool_call_finished", index: indexOf(block), arguments: block.arguments || block.initial || "{}" });
  }

  function start(payload: StreamPayload, events: CanonicalEvent[]): void {
    const content = payload.content_block ?? {};
    const upstream = payload.index ?? blocks.size;
    switch (content.type) {
      case "text": {
        const block: Block = { kind: "text" };
        blocks.set(upstream, block);
        if (content.text) events.push({ type: "text_delta", index: indexOf(block), text: content.text });
        return;
      }
      case "thinking": {
        const block: Block = { kind: "thinking", signature: content.signature ?? "" };
        blocks.set(upstream, block);
        if (content.thinking) events.push({ type: "reasoning_delta", index: indexOf(block), text: content.thinking, kind: "thinking" });
        return;
      }
      case "redacted_thinking": {
        const block: Block = { kind: "redacted" };
        blocks.set(upstream, block);
        events.push({ type: "reasoning_signature_delta", index: indexOf(block), opaque: { dialect: "anthropic", value: content.data ?? "" } });
        return;
      }
      case "tool_use": {
        const input = content.input;
        const initial = input && typeof input === "object" && Object.keys(input).length > 0 ? JSON.stringify(input) : "";
        const block: Block = { kind: "tool", arguments: "", initial, finished: false };
        blocks.set(upstream, block);
        events.push({ type: "tool_call_started", index: indexOf(block), id: content.id || randomId("toolu_"), name: content.name ?? "" });
        return;
      }
      default: {
        blocks.set(upstream, { kind: "skipped" });
        const kind = content.type ?? "unknown";
        if (!skippedKinds.has(kind)) {
          skippedKinds.add(kind);
          events.push({ type: "warning", code: "unsupported_block", message: `upstream ${backendId} sent a '${kind}' block, which lipstd cannot relay; it was left out` });
        }
      }
    }
  }

  function delta(payload: StreamPayload, events: CanonicalEvent[]): void {
    const block = blockAt(payload);
    const change = payload.delta ?? {};
    switch (change.type) {
      case "text_delta":
        if (block.kind === "text" && change.text) events.push({ type: "text_delta", index: indexOf(block), text: change.text });
        return;
      case "thinking_delta":
        if (block.kind === "thinking" && change.thinking) events.push({ type: "reasoning_delta", index: indexOf(block), text: change.thinking, kind: "thinking" });
        return;
      case "signature_delta":
        if (block.kind === "thinking") block.signature += change.signature ?? "";
        return;
      case "input_json_delta":
        if (block.kind === "tool" && change.partial_json) {
          block.arguments += change.partial_json;
          events.push({ type: "tool_call_args_delta", index: indexOf(block), delta: change.partial_json });
        }
        return;
      default:
        // citations_delta and future delta kinds carry nothing the canonical stream holds.
        return;
    }
  }

  function stop(payload: StreamPayload, events: CanonicalEvent[]): void {
    const block = blockAt(payload);
    if (block.kind === "thinking" && block.signature) {
      events.push({ type: "reasoning_signature_delta", index: indexOf(block), signature: { dialect: "anthropic", value: block.signature } });
    }
    if (block.kind === "tool") finishTool(block, events);
  }

  return {
    get finished(): boolean {
      return finished;
    },
    /** Events for one stream payload; throws on `event: error` and on malformed payloads. */
    map(payload: StreamPayload): CanonicalEvent[] {
      const events: CanonicalEvent[] = [];
      if (payload.type === "error") throw streamError(backendId, payload);
      if (!started) {
        if (payload.type !== "message_start") throw malformedStream(backendId, `'${payload.type}' before message_start`);
        started = true;
        events.push({ type: "response_started", id: payload.message?.id ?? "", model: payload.message?.model ?? fallbackModel, created: Math.floor(Date.now() / 1000) });
        events.push({ type: "message_started", role: "assistant" });
        for (const warning of warnings) events.push({ type: "warning", ...warning });
        rawUsage = { ...payload.message?.usage };
        return events;
      }
      switch (payload.type) {
        case "content_block_start":
          start(payload, events);
          break;
        case "content_block_delta":
          delta(payload, events);
          break;
        case "content_block_stop":
          stop(payload, events);
          break;
        case "message_delta":
          if (payload.delta?.stop_reason) stopReason = payload.delta.stop_reason;
          if (payload.delta?.stop_sequence) stopSequence = payload.delta.stop_sequence;
          if (payload.usage) rawUsage = { ...rawUsage, ...payload.usage };
          break;
        case "message_stop": {
          for (const block of blocks.values()) if (block.kind === "tool") finishTool(block, events);
          finished = true;
          events.push({ type: "usage", usage: canonicalUsage(rawUsage) });
          events.push({
            type: "response_finished",
            finishReason: stopReason ? anthropicFinishReason(stopReason) : "other",
            ...(stopReason && { rawFinishReason: stopReason }),
            ...(stopSequence && { stopSequence }),
          });
          break;
        }
        default:
          // ping, and event types added after this codec was written.
          break;
      }
      return events;
    },
    /** At end of body: a stream without message_stop was cut. */
    end(): void {
      if (!finished) throw new LipError("upstream", `upstream ${backendId} stream ended before message_stop`, { code: "truncated_stream" });
    },
  };
}

import type { ConverseStreamOutput } from "@aws-sdk/client-bedrock-runtime";
import { LipError } from "../../core/model/errors.ts";
import type { CanonicalEvent, FinishReason } from "../../core/model/events.ts";
import { randomId } from "../../core/model/ids.ts";
import type { Usage } from "../../core/model/usage.ts";
import { bedrockError } from "./errors.ts";

export function bedrockFinishReason(raw: string): FinishReason {
  switch (raw) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "tool_use":
      return "tool_calls";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "content_filtered":
    case "guardrail_intervened":
      return "content_filter";
    case "malformed_model_output":
    case "malformed_tool_use":
      return "error";
    default:
      return "other";
  }
}

const streamExceptions = ["internalServerException", "modelStreamErrorException", "validationException", "throttlingException", "serviceUnavailableException"] as const;

type Block = { kind: "text" | "reasoning" } | { kind: "tool"; arguments: string };

/**
 * ConverseStream events → canonical events. Blocks are keyed by Bedrock's contentBlockIndex and
 * renumbered into our contiguous indices; usage arrives in `metadata` after `messageStop`, so the
 * finish is held until the stream ends.
 */
export function createConverseMapper(backendId: string, model: string) {
  let next = 0;
  const blocks = new Map<number, { index: number; block: Block }>();
  let finish: { reason: FinishReason; raw: string } | undefined;
  let usage: Usage | undefined;
  let current: { index: number; block: Block } | undefined;

  function enter(upstreamIndex: number, block: Block, events: CanonicalEvent[]): { index: number; block: Block } {
    const known = blocks.get(upstreamIndex);
    if (known && known === current && known.block.kind === block.kind) return known;
    closeCurrent(events);
    const entry = { index: next++, block };
    blocks.set(upstreamIndex, entry);
    current = entry;
    return entry;
  }

  function closeCurrent(events: CanonicalEvent[]): void {
    if (current?.block.kind === "tool") events.push({ type: "tool_call_finished", index: current.index, arguments: current.block.arguments || "{}" });
    current = undefined;
  }

  return {
    /** `requestId`: Bedrock's x-amzn-requestid, the only id a ConverseStream answer has. */
    start(requestId?: string): CanonicalEvent[] {
      return [
        { type: "response_started", id: requestId || randomId("bedrock_"), model, created: Math.floor(Date.now() / 1000) },
        { type: "message_started", role: "assistant" },
      ];
    },
    map(output: ConverseStreamOutput): CanonicalEvent[] {
      const events: CanonicalEvent[] = [];
      if (output.contentBlockStart) {
        const toolUse = output.contentBlockStart.start?.toolUse;
        if (toolUse) {
          const entry = enter(output.contentBlockStart.contentBlockIndex ?? 0, { kind: "tool", arguments: "" }, events);
          events.push({ type: "tool_call_started", index: entry.index, id: toolUse.toolUseId || randomId("tooluse_"), name: toolUse.name ?? "" });
        }
      } else if (output.contentBlockDelta) {
        const upstreamIndex = output.contentBlockDelta.contentBlockIndex ?? 0;
        const delta = output.contentBlockDelta.delta;
        if (delta?.text !== undefined) {
          const entry = enter(upstreamIndex, { kind: "text" }, events);
          if (delta.text) events.push({ type: "text_delta", index: entry.index, text: delta.text });
        } else if (delta?.toolUse) {
          const entry = blocks.get(upstreamIndex);
          if (!entry || entry.block.kind !== "tool") throw new LipError("upstream", `upstream ${backendId} sent tool input without a tool block`, { code: "malformed_stream" });
          entry.block.arguments += delta.toolUse.input ?? "";
          if (delta.toolUse.input) events.push({ type: "tool_call_args_delta", index: entry.index, delta: delta.toolUse.input });
        } else if (delta?.reasoningContent) {
          const entry = enter(upstreamIndex, { kind: "reasoning" }, events);
          const reasoning = delta.reasoningContent;
          if (reasoning.text) events.push({ type: "reasoning_delta", index: entry.index, text: reasoning.text, kind: "thinking" });
          if (reasoning.signature) events.push({ type: "reasoning_signature_delta", index: entry.index, signature: { dialect: "bedrock", value: reasoning.signature } });
          if (reasoning.redactedContent) {
            events.push({ type: "reasoning_signature_delta", index: entry.index, opaque: { dialect: "bedrock", value: Buffer.from(reasoning.redactedContent).toString("base64") } });
          }
        }
      } else if (output.contentBlockStop) {
        const entry = blocks.get(output.contentBlockStop.contentBlockIndex ?? 0);
        if (entry && entry === current) closeCurrent(events);
      } else if (output.messageStop) {
        const raw = output.messageStop.stopReason ?? "end_turn";
        finish = { reason: bedrockFinishReason(raw), raw };
      } else if (output.metadata?.usage) {
        const raw = output.metadata.usage;
        usage = {
          // Converse reports uncached input; canonical input counts cache reads and writes too.
          inputTokens: (raw.inputTokens ?? 0) + (raw.cacheReadInputTokens ?? 0) + (raw.cacheWriteInputTokens ?? 0),
          outputTokens: raw.outputTokens ?? 0,
          ...(raw.cacheReadInputTokens !== undefined && { cacheReadTokens: raw.cacheReadInputTokens }),
          ...(raw.cacheWriteInputTokens !== undefined && { cacheWriteTokens: raw.cacheWriteInputTokens }),
          ...(raw.totalTokens !== undefined && { totalTokens: raw.totalTokens }),
        };
      } else {
        for (const member of streamExceptions) {
          const exception = output[member] as { message?: string } | undefined;
          if (exception) throw bedrockError(backendId, { ...exception, name: member.charAt(0).toUpperCase() + member.slice(1), $metadata: {} });
        }
      }
      return events;
    },
    end(): CanonicalEvent[] {
      if (!finish) throw new LipError("upstream", `upstream ${backendId} stream ended without messageStop`, { code: "truncated_stream" });
      const events: CanonicalEvent[] = [];
      closeCurrent(events);
      if (usage) events.push({ type: "usage", usage });
      if (finish.reason === "error") throw new LipError("upstream", `upstream ${backendId} stopped with ${finish.raw}`, { code: finish.raw, recoverable: false });
      events.push({ type: "response_finished", finishReason: finish.reason, rawFinishReason: finish.raw });
      return events;
    },
  };
}

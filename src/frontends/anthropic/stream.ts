import type { StreamEncoder } from "../../core/codec.ts";
import type { CanonicalCall } from "../../core/model/call.ts";
import type { CanonicalEvent } from "../../core/model/events.ts";
import type { ProviderSignature } from "../../core/model/parts.ts";
import type { Usage } from "../../core/model/usage.ts";
import { anthropicErrorBody } from "./errors.ts";
import { messageId } from "./response.ts";
import { type ReasoningTokens, redactedDataText, thinkingSignatureText } from "./signature.ts";
import { anthropicStopReason } from "./stop-reason.ts";
import { anthropicDeltaUsage, anthropicUsage } from "./usage.ts";

/** The wire block currently open; canonical block indices map one to one onto Anthropic's. */
type OpenBlock =
  | { kind: "text"; index: number }
  /** A reasoning block with no text yet: it becomes thinking (on text) or redacted_thinking (opaque only). */
  | { kind: "reasoning"; index: number; tokens: ReasoningTokens; started: boolean }
  | { kind: "tool"; index: number; streamed: string };

const frame = (name: string, json: string): string => `event: ${name}\ndata: ${json}\n\n`;
const blockStart = (index: number, block: unknown): string =>
  frame("content_block_start", `{"type":"content_block_start","index":${index},"content_block":${JSON.stringify(block)}}`);
const blockDelta = (index: number, delta: string): string => frame("content_block_delta", `{"type":"content_block_delta","index":${index},"delta":${delta}}`);
const blockStop = (index: number): string => frame("content_block_stop", `{"type":"content_block_stop","index":${index}}`);

/** Signatures may arrive in pieces; same-dialect pieces concatenate (as the collector does). */
function appendToken(previous: ProviderSignature | undefined, next: ProviderSignature | undefined): ProviderSignature | undefined {
  if (!next) return previous;
  if (!previous || previous.dialect !== next.dialect) return { ...next };
  return { dialect: next.dialect, value: previous.value + next.value };
}

/**
 * Anthropic Messages SSE. Blocks open lazily on their first event and close when the next block
 * starts or the response ends; a thinking block's signature goes out as one `signature_delta`
 * just before its `content_block_stop` (clients replace, not append, on that delta). After an
 * `error` event nothing more is written: no `message_stop`, so clients see a failure, not an end.
 */
export function createMessagesStreamEncoder(call: CanonicalCall): StreamEncoder {
  let id = "";
  let model = call.model;
  let usage: Usage | undefined;
  let messageStarted = false;
  let hasToolUse = false;
  let open: OpenBlock | undefined;

  function messageStart(): string {
    if (messageStarted) return "";
    messageStarted = true;
    const message = { id: messageId(id), type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage: anthropicUsage(usage) };
    return frame("message_start", JSON.stringify({ type: "message_start", message }));
  }

  function closeBlock(): string {
    const block = open;
    open = undefined;
    if (!block) return "";
    if (block.kind !== "reasoning") return blockStop(block.index);
    const { index, tokens } = block;
    if (!block.started && tokens.opaque) return blockStart(index, { type: "redacted_thinking", data: redactedDataText(tokens) }) + blockStop(index);
    const signature = thinkingSignatureText(tokens);
    const start = block.started ? "" : blockStart(index, { type: "thinking", thinking: "", signature: "" });
    const delta = signature === "" ? "" : blockDelta(index, `{"type":"signature_delta","signature":${JSON.stringify(signature)}}`);
    return start + delta + blockStop(index);
  }

  /** Frames closing the previous block when `index` starts a new one, and whether it did. */
  function enter(index: number): { frames: string; entered: boolean } {
    if (open?.index === index) return { frames: "", entered: false };
    return { frames: messageStart() + closeBlock(), entered: true };
  }

  function reasoningBlock(index: number): { frames: string; block: Extract<OpenBlock, { kind: "reasoning" }> } {
    const { frames, entered } = enter(index);
    if (entered || open?.kind !== "reasoning") open = { kind: "reasoning", index, tokens: {}, started: false };
    return { frames, block: open as Extract<OpenBlock, { kind: "reasoning" }> };
  }

  return {
    contentType: "text/event-stream",
    encode(event: CanonicalEvent): string {
      switch (event.type) {
        case "response_started":
          id = event.id;
          if (event.model) model = event.model;
          return "";
        case "message_started":
          return messageStart();
        case "text_delta": {
          const entry = enter(event.index);
          let frames = entry.frames;
          if (entry.entered) {
            open = { kind: "text", index: event.index };
            frames += blockStart(event.index, { type: "text", text: "" });
          }
          if (event.text === "") return frames;
          return frames + blockDelta(event.index, `{"type":"text_delta","text":${JSON.stringify(event.text)}}`);
        }
        case "reasoning_delta": {
          const entry = reasoningBlock(event.index);
          const block = entry.block;
          let frames = entry.frames;
          if (event.kind) block.tokens.kind = event.kind;
          if (event.id !== undefined) block.tokens.id = event.id;
          if (event.text === "") return frames;
          if (!block.started) {
            block.started = true;
            frames += blockStart(event.index, { type: "thinking", thinking: "", signature: "" });
          }
          return frames + blockDelta(event.index, `{"type":"thinking_delta","thinking":${JSON.stringify(event.text)}}`);
        }
        case "reasoning_signature_delta": {
          const { frames, block } = reasoningBlock(event.index);
          const signature = appendToken(block.tokens.signature, event.signature);
          const opaque = appendToken(block.tokens.opaque, event.opaque);
          if (signature) block.tokens.signature = signature;
          if (opaque) block.tokens.opaque = opaque;
          if (event.id !== undefined) block.tokens.id = event.id;
          return frames;
        }
        case "tool_call_started": {
          const { frames } = enter(event.index);
          open = { kind: "tool", index: event.index, streamed: "" };
          hasToolUse = true;
          return frames + blockStart(event.index, { type: "tool_use", id: event.id, name: event.name, input: {} });
        }
        case "tool_call_args_delta": {
          if (open?.kind !== "tool" || event.delta === "") return "";
          open.streamed += event.delta;
          return blockDelta(event.index, `{"type":"input_json_delta","partial_json":${JSON.stringify(event.delta)}}`);
        }
        case "tool_call_finished": {
          // Whole-call backends send no deltas: the arguments (or what the deltas missed) go out here.
          if (open?.kind !== "tool" || !event.arguments.startsWith(open.streamed) || event.arguments.length === open.streamed.length) return "";
          const rest = event.arguments.slice(open.streamed.length);
          open.streamed = event.arguments;
          return blockDelta(event.index, `{"type":"input_json_delta","partial_json":${JSON.stringify(rest)}}`);
        }
        case "usage":
          usage = { ...usage, ...event.usage };
          return "";
        case "warning":
          return "";
        case "error":
          open = undefined;
          return frame("error", JSON.stringify(anthropicErrorBody(event.error)));
        case "response_finished": {
          const frames = messageStart() + closeBlock();
          const delta = {
            type: "message_delta",
            delta: { stop_reason: anthropicStopReason(event.finishReason, hasToolUse, event.rawFinishReason, event.stopSequence), stop_sequence: event.stopSequence ?? null },
            usage: anthropicDeltaUsage(usage),
          };
          return frames + frame("message_delta", JSON.stringify(delta)) + frame("message_stop", `{"type":"message_stop"}`);
        }
        default: {
          const exhaustive: never = event;
          return exhaustive;
        }
      }
    },
    end: () => "",
    keepalive: () => frame("ping", `{"type":"ping"}`),
  };
}

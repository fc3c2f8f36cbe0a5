import type { StreamEncoder } from "../../core/codec.ts";
import type { CanonicalCall } from "../../core/model/call.ts";
import type { CanonicalEvent } from "../../core/model/events.ts";
import type { ProviderSignature } from "../../core/model/parts.ts";
import type { Usage } from "../../core/model/usage.ts";
import { modelStopError } from "../shared/model-error.ts";
import { anthropicErrorBody } from "./errors.ts";
import { messageId } from "./response.ts";
import { callSignatureCarrier, type ReasoningTokens, redactedDataText, thinkingSignatureText } from "./signature.ts";
import { anthropicStopReason } from "./stop-reason.ts";
import { anthropicDeltaUsage, anthropicUsage } from "./usage.ts";

/**
 * The block currently open: `index` is the canonical block, `wire` its Anthropic index. They are
 * equal except after a tool call's signature carrier, which takes a wire index of its own.
 */
type OpenBlock =
  | { kind: "text"; index: number; wire: number }
  /** A reasoning block with no text yet: it becomes thinking (on text) or redacted_thinking (opaque only). */
  | { kind: "reasoning"; index: number; wire: number; tokens: ReasoningTokens; started: boolean }
  | { kind: "tool"; index: number; wire: number; streamed: string };

type ReasoningBlock = Extract<OpenBlock, { kind: "reasoning" }>;

const frame = (name: string, json: string): string => `event: ${name}\ndata: ${json}\n\n`;
const blockStart = (wire: number, block: unknown): string =>
  frame("content_block_start", `{"type":"content_block_start","index":${wire},"content_block":${JSON.stringify(block)}}`);
const blockDelta = (wire: number, delta: string): string => frame("content_block_delta", `{"type":"content_block_delta","index":${wire},"delta":${delta}}`);
const blockStop = (wire: number): string => frame("content_block_stop", `{"type":"content_block_stop","index":${wire}}`);
const signatureDelta = (wire: number, signature: string): string => blockDelta(wire, `{"type":"signature_delta","signature":${JSON.stringify(signature)}}`);

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
  /** Wire indices taken by signature carriers so far. */
  let carriers = 0;

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
    if (block.kind !== "reasoning") return blockStop(block.wire);
    const { wire, tokens } = block;
    if (!block.started && tokens.opaque) return blockStart(wire, { type: "redacted_thinking", data: redactedDataText(tokens) }) + blockStop(wire);
    const signature = thinkingSignatureText(tokens);
    const start = block.started ? "" : blockStart(wire, { type: "thinking", thinking: "", signature: "" });
    return start + (signature === "" ? "" : signatureDelta(wire, signature)) + blockStop(wire);
  }

  /** Frames closing the previous block when `index` starts a new one, and whether it did. */
  function enter(index: number): { frames: string; entered: boolean } {
    if (open?.index === index) return { frames: "", entered: false };
    return { frames: messageStart() + closeBlock(), entered: true };
  }

  function reasoningBlock(index: number): { frames: string; block: ReasoningBlock } {
    const { frames, entered } = enter(index);
    if (entered || open?.kind !== "reasoning") open = { kind: "reasoning", index, wire: index + carriers, tokens: {}, started: false };
    return { frames, block: open as ReasoningBlock };
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
            open = { kind: "text", index: event.index, wire: event.index + carriers };
            frames += blockStart(open.wire, { type: "text", text: "" });
          }
          if (event.text === "" || !open) return frames;
          return frames + blockDelta(open.wire, `{"type":"text_delta","text":${JSON.stringify(event.text)}}`);
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
            frames += blockStart(block.wire, { type: "thinking", thinking: "", signature: "" });
          }
          return frames + blockDelta(block.wire, `{"type":"thinking_delta","thinking":${JSON.stringify(event.text)}}`);
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
          let { frames } = enter(event.index);
          if (event.signature) {
            // The call's signature rides in a carrier thinking block just before it (see signature.ts).
            const wire = event.index + carriers;
            const carrier = callSignatureCarrier(event.id, event.signature);
            frames += blockStart(wire, { ...carrier, signature: "" }) + signatureDelta(wire, carrier.signature) + blockStop(wire);
            carriers++;
          }
          open = { kind: "tool", index: event.index, wire: event.index + carriers, streamed: "" };
          hasToolUse = true;
          return frames + blockStart(open.wire, { type: "tool_use", id: event.id, name: event.name, input: {} });
        }
        case "tool_call_args_delta": {
          if (open?.kind !== "tool" || event.delta === "") return "";
          open.streamed += event.delta;
          return blockDelta(open.wire, `{"type":"input_json_delta","partial_json":${JSON.stringify(event.delta)}}`);
        }
        case "tool_call_finished": {
          // Whole-call backends send no deltas: the arguments (or what the deltas missed) go out here.
          if (open?.kind !== "tool" || !event.arguments.startsWith(open.streamed) || event.arguments.length === open.streamed.length) return "";
          const rest = event.arguments.slice(open.streamed.length);
          open.streamed = event.arguments;
          return blockDelta(open.wire, `{"type":"input_json_delta","partial_json":${JSON.stringify(rest)}}`);
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
          if (event.finishReason === "error") {
            // No stop_reason says it: an error event, which clients raise on.
            open = undefined;
            return frame("error", JSON.stringify(anthropicErrorBody(modelStopError(event.rawFinishReason).error)));
          }
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

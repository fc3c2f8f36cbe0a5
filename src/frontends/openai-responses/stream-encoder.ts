import type { InboundRequest, StreamEncoder } from "../../core/codec.ts";
import type { CanonicalCall } from "../../core/model/call.ts";
import type { CanonicalError } from "../../core/model/errors.ts";
import type { CanonicalEvent } from "../../core/model/events.ts";
import { randomId } from "../../core/model/ids.ts";
import type { ProviderSignature } from "../../core/model/parts.ts";
import type { Usage } from "../../core/model/usage.ts";
import { SSE_KEEPALIVE } from "../../sse/index.ts";
import { openaiErrorObject } from "../shared/openai-errors.ts";
import { encryptedContentFor, wrapEnvelope } from "./reasoning-envelope.ts";
import {
  failureOf,
  functionCallItem,
  messageItem,
  type Outcome,
  outcomeOf,
  reasoningItem,
  responseId,
  responseObject,
  responseSettings,
} from "./response-object.ts";
import { appendReasoning, appendSignature, closeReasoningSection, type ReasoningBlock } from "./stream-reasoning.ts";
import { EventWriter } from "./stream-writer.ts";

interface MessageBlock {
  kind: "message";
  index: number;
  outputIndex: number;
  id: string;
  text: string;
}

interface CallBlock {
  kind: "function_call";
  index: number;
  outputIndex: number;
  id: string;
  callId: string;
  name: string;
  args: string;
  finished: boolean;
}

type Block = MessageBlock | CallBlock | ReasoningBlock;

/** An item cut off by a failure, as `response.failed` lists it. */
function partialItem(open: Block): Record<string, unknown> {
  switch (open.kind) {
    case "message":
      return messageItem(open.id, "incomplete", open.text);
    case "function_call":
      return functionCallItem(open.id, open.callId, open.name, open.args, "incomplete");
    case "reasoning":
      return reasoningItem(open.id, open.summary, open.content, undefined);
    default: {
      const exhaustive: never = open;
      return exhaustive;
    }
  }
}

/**
 * Responses SSE. Each canonical block becomes one output item (reasoning, message or
 * function_call), opened on its first event and closed when the next block starts or the
 * response ends, so items never interleave. A failure after output is an `error` event (the
 * openai SDK raises on it) followed by `response.failed` (what Codex reads). No `[DONE]`.
 */
export function createResponsesStreamEncoder(call: CanonicalCall, request?: Pick<InboundRequest, "log">): StreamEncoder {
  const settings = responseSettings(call);
  const writer = new EventWriter();
  const output: unknown[] = [];
  let id = "";
  let model = call.model;
  let createdAt = 0;
  let started = false;
  let ended = false;
  let usage: Usage | undefined;
  let block: Block | undefined;
  let droppedTextSignature = false;
  /** The response the terminal event carried. */
  let final: Record<string, unknown> | undefined;

  const snapshot = (outcome: Outcome) => responseObject(settings, { id, model, createdAt, outcome, output: [...output], usage });

  function start(upstreamId: string, upstreamModel: string, created: number): void {
    started = true;
    id = responseId(call, upstreamId);
    model = upstreamModel || call.model;
    createdAt = created;
    const response = snapshot({ status: "in_progress" });
    writer.emit("response.created", { response });
    writer.emit("response.in_progress", { response });
  }

  function openItem(item: Record<string, unknown>): number {
    const outputIndex = output.length;
    writer.emit("response.output_item.added", { output_index: outputIndex, item });
    return outputIndex;
  }

  /** Ends the open item: its done events, then its final form in `output`. */
  function closeBlock(status: "completed" | "incomplete"): void {
    const current = block;
    if (!current) return;
    block = undefined;
    let item: Record<string, unknown>;
    switch (current.kind) {
      case "message": {
        const ids = { item_id: current.id, output_index: current.outputIndex, content_index: 0 };
        writer.emit("response.output_text.done", { ...ids, text: current.text, logprobs: [] });
        writer.emit("response.content_part.done", { ...ids, part: { type: "output_text", annotations: [], logprobs: [], text: current.text } });
        item = messageItem(current.id, status, current.text);
        break;
      }
      case "function_call":
        if (!current.finished) writer.emit("response.function_call_arguments.done", { item_id: current.id, output_index: current.outputIndex, arguments: current.args });
        item = functionCallItem(current.id, current.callId, current.name, current.args, status);
        break;
      case "reasoning":
        closeReasoningSection(writer, current);
        item = reasoningItem(current.id, current.summary, current.content, encryptedContentFor(current.text, current.textKind, current.signature, current.opaque));
        break;
      default: {
        const exhaustive: never = current;
        return exhaustive;
      }
    }
    output.push(item);
    writer.emit("response.output_item.done", { output_index: current.outputIndex, item });
  }

  function messageBlock(index: number): MessageBlock {
    if (block?.kind === "message" && block.index === index) return block;
    closeBlock("completed");
    const itemId = randomId("msg_");
    const outputIndex = openItem(messageItem(itemId, "in_progress", undefined));
    const part = { type: "output_text", annotations: [], logprobs: [], text: "" };
    writer.emit("response.content_part.added", { item_id: itemId, output_index: outputIndex, content_index: 0, part });
    block = { kind: "message", index, outputIndex, id: itemId, text: "" };
    return block;
  }

  function reasoningBlock(index: number, upstreamId: string | undefined): ReasoningBlock {
    if (block?.kind === "reasoning" && block.index === index) return block;
    closeBlock("completed");
    const itemId = upstreamId || randomId("rs_");
    const outputIndex = openItem(reasoningItem(itemId, [], [], undefined));
    block = { kind: "reasoning", index, outputIndex, id: itemId, summary: [], content: [], text: "" };
    return block;
  }

  /** A tool call's signature has no slot on a function_call item: a reasoning item carries it (see reasoning-envelope.ts). */
  function signatureCarrier(callId: string, signature: ProviderSignature): void {
    const itemId = randomId("rs_");
    const outputIndex = openItem(reasoningItem(itemId, [], [], undefined));
    const item = reasoningItem(itemId, [], [], wrapEnvelope({ c: callId, s: signature }));
    output.push(item);
    writer.emit("response.output_item.done", { output_index: outputIndex, item });
  }

  function fail(failure: { code: string; message: string }, wire: ReturnType<typeof openaiErrorObject>): void {
    writer.emit("error", { code: failure.code, message: failure.message, param: wire.param, error: { ...wire, code: failure.code } });
    const open = block;
    block = undefined;
    if (open) output.push(partialItem(open));
    final = snapshot({ status: "failed", error: failure });
    writer.emit("response.failed", { response: final });
  }

  function failWith(error: CanonicalError): void {
    fail(failureOf(error), openaiErrorObject(error));
  }

  function finish(event: Extract<CanonicalEvent, { type: "response_finished" }>): void {
    const outcome = outcomeOf(event.finishReason, event.rawFinishReason);
    if (outcome.status === "failed") {
      const failure = outcome.error!;
      fail(failure, { message: failure.message, type: "server_error", param: null, code: failure.code });
      return;
    }
    closeBlock(outcome.status === "incomplete" ? "incomplete" : "completed");
    final = snapshot(outcome);
    writer.emit(outcome.status === "incomplete" ? "response.incomplete" : "response.completed", { response: final });
  }

  function handle(event: CanonicalEvent): void {
    if (ended) return;
    // A terminal event with nothing before it still gets a response to end.
    if (!started && (event.type === "error" || event.type === "response_finished")) start(randomId(""), call.model, Math.floor(Date.now() / 1000));
    switch (event.type) {
      case "response_started":
        if (!started) start(event.id, event.model, event.created);
        return;
      case "message_started":
        return;
      case "text_delta": {
        if (event.signature && !droppedTextSignature) {
          droppedTextSignature = true;
          request?.log("debug", "openai-responses: a text part signature has no Responses form and was dropped", { dialect: event.signature.dialect });
        }
        if (event.text === "") return;
        const current = messageBlock(event.index);
        current.text += event.text;
        writer.textDelta(current.id, current.outputIndex, event.text);
        return;
      }
      case "reasoning_delta":
        appendReasoning(writer, reasoningBlock(event.index, event.id), event.text, event.kind);
        return;
      case "reasoning_signature_delta": {
        const current = reasoningBlock(event.index, event.id);
        if (event.signature) current.signature = appendSignature(current.signature, event.signature);
        if (event.opaque) current.opaque = appendSignature(current.opaque, event.opaque);
        return;
      }
      case "tool_call_started": {
        closeBlock("completed");
        if (event.signature) signatureCarrier(event.id, event.signature);
        const itemId = randomId("fc_");
        const outputIndex = openItem(functionCallItem(itemId, event.id, event.name, "", "in_progress"));
        block = { kind: "function_call", index: event.index, outputIndex, id: itemId, callId: event.id, name: event.name, args: "", finished: false };
        return;
      }
      case "tool_call_args_delta":
        if (block?.kind !== "function_call" || event.delta === "") return;
        block.args += event.delta;
        writer.emit("response.function_call_arguments.delta", { item_id: block.id, output_index: block.outputIndex, delta: event.delta });
        return;
      case "tool_call_finished":
        if (block?.kind !== "function_call") return;
        block.args = event.arguments;
        block.finished = true;
        writer.emit("response.function_call_arguments.done", { item_id: block.id, output_index: block.outputIndex, arguments: event.arguments });
        closeBlock("completed");
        return;
      case "usage":
        usage = { ...usage, ...event.usage };
        return;
      case "warning":
        // No Responses event carries a warning, and strict clients reject unknown event types.
        return;
      case "error":
        ended = true;
        failWith(event.error);
        return;
      case "response_finished":
        ended = true;
        finish(event);
        return;
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  }

  return {
    contentType: "text/event-stream",
    encode(event: CanonicalEvent): string {
      handle(event);
      return writer.take();
    },
    end: () => "",
    keepalive: () => SSE_KEEPALIVE,
    finalResponse: () => final,
  };
}

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

type ReasoningSection = "summary" | "content";

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

interface ReasoningBlock {
  kind: "reasoning";
  index: number;
  outputIndex: number;
  id: string;
  summary: string[];
  content: string[];
  /** The sub-part being streamed, if any: its text is the last entry of `summary` or `content`. */
  open?: ReasoningSection;
  text: string;
  textKind?: "thinking" | "summary";
  signature?: ProviderSignature;
  opaque?: ProviderSignature;
}

type Block = MessageBlock | CallBlock | ReasoningBlock;

function appendSignature(previous: ProviderSignature | undefined, next: ProviderSignature): ProviderSignature {
  if (!previous || previous.dialect !== next.dialect) return { ...next };
  return { dialect: next.dialect, value: previous.value + next.value };
}

/**
 * Responses SSE: `event: <type>` + `data: {type, …, sequence_number}`, numbered from 0. Each
 * canonical block becomes one output item (reasoning, message or function_call), opened on its
 * first event and closed when the next block starts or the response ends, so items never
 * interleave. A failure after output is an `error` event (the SDK raises on it) followed by
 * `response.failed` (what Codex reads); a Responses stream has no `[DONE]`.
 */
export function createResponsesStreamEncoder(call: CanonicalCall, request?: Pick<InboundRequest, "log">): StreamEncoder {
  const settings = responseSettings(call);
  const output: unknown[] = [];
  let sequence = 0;
  let id = "";
  let model = call.model;
  let createdAt = 0;
  let started = false;
  let ended = false;
  let usage: Usage | undefined;
  let block: Block | undefined;
  let droppedTextSignature = false;
  let out = "";

  const emit = (type: string, fields: Record<string, unknown>): void => {
    out += `event: ${type}\ndata: ${JSON.stringify({ type, ...fields, sequence_number: sequence++ })}\n\n`;
  };
  const snapshot = (outcome: Outcome) => responseObject(settings, { id, model, createdAt, outcome, output: [...output], usage });

  function start(upstreamId: string, upstreamModel: string, created: number): void {
    started = true;
    id = responseId(upstreamId);
    model = upstreamModel || call.model;
    createdAt = created;
    const response = snapshot({ status: "in_progress" });
    emit("response.created", { response });
    emit("response.in_progress", { response });
  }

  function closeReasoningSection(current: ReasoningBlock): void {
    const section = current.open;
    if (!section) return;
    current.open = undefined;
    const item = { item_id: current.id, output_index: current.outputIndex };
    if (section === "summary") {
      const summaryIndex = current.summary.length - 1;
      const text = current.summary[summaryIndex]!;
      emit("response.reasoning_summary_text.done", { ...item, summary_index: summaryIndex, text });
      emit("response.reasoning_summary_part.done", { ...item, summary_index: summaryIndex, part: { type: "summary_text", text } });
    } else {
      const contentIndex = current.content.length - 1;
      const text = current.content[contentIndex]!;
      emit("response.reasoning_text.done", { ...item, content_index: contentIndex, text });
      emit("response.content_part.done", { ...item, content_index: contentIndex, part: { type: "reasoning_text", text } });
    }
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
        const part = { type: "output_text", annotations: [], logprobs: [], text: current.text };
        emit("response.output_text.done", { ...ids, text: current.text, logprobs: [] });
        emit("response.content_part.done", { ...ids, part });
        item = messageItem(current.id, status, current.text);
        break;
      }
      case "function_call":
        if (!current.finished) emit("response.function_call_arguments.done", { item_id: current.id, output_index: current.outputIndex, arguments: current.args });
        item = functionCallItem(current.id, current.callId, current.name, current.args, status);
        break;
      case "reasoning":
        closeReasoningSection(current);
        item = reasoningItem(current.id, current.summary, current.content, encryptedContentFor(current.text, current.textKind, current.signature, current.opaque));
        break;
      default: {
        const exhaustive: never = current;
        return exhaustive;
      }
    }
    output.push(item);
    emit("response.output_item.done", { output_index: current.outputIndex, item });
  }

  function openItem(item: Record<string, unknown>): number {
    const outputIndex = output.length;
    emit("response.output_item.added", { output_index: outputIndex, item });
    return outputIndex;
  }

  function messageBlock(index: number): MessageBlock {
    if (block?.kind === "message" && block.index === index) return block;
    closeBlock("completed");
    const itemId = randomId("msg_");
    const outputIndex = openItem(messageItem(itemId, "in_progress", undefined));
    emit("response.content_part.added", {
      item_id: itemId,
      output_index: outputIndex,
      content_index: 0,
      part: { type: "output_text", annotations: [], logprobs: [], text: "" },
    });
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

  function reasoningText(current: ReasoningBlock, text: string, kind: "thinking" | "summary" | undefined): void {
    const section: ReasoningSection = kind === "summary" ? "summary" : "content";
    const item = { item_id: current.id, output_index: current.outputIndex };
    if (current.open !== section) {
      closeReasoningSection(current);
      current.open = section;
      if (section === "summary") {
        current.summary.push("");
        emit("response.reasoning_summary_part.added", { ...item, summary_index: current.summary.length - 1, part: { type: "summary_text", text: "" } });
      } else {
        current.content.push("");
        emit("response.content_part.added", { ...item, content_index: current.content.length - 1, part: { type: "reasoning_text", text: "" } });
      }
    }
    if (text === "") return;
    current.text += text;
    if (section === "summary") {
      const summaryIndex = current.summary.length - 1;
      current.summary[summaryIndex] += text;
      emit("response.reasoning_summary_text.delta", { ...item, summary_index: summaryIndex, delta: text });
    } else {
      const contentIndex = current.content.length - 1;
      current.content[contentIndex] += text;
      emit("response.reasoning_text.delta", { ...item, content_index: contentIndex, delta: text });
    }
  }

  /** A tool call's signature has no slot on a function_call item: a reasoning item carries it (see reasoning-envelope.ts). */
  function signatureCarrier(callId: string, signature: ProviderSignature): void {
    const item = reasoningItem(randomId("rs_"), [], [], wrapEnvelope({ c: callId, s: signature }));
    const outputIndex = openItem(reasoningItem(item.id as string, [], [], undefined));
    output.push(item);
    emit("response.output_item.done", { output_index: outputIndex, item });
  }

  function fail(error: CanonicalError): void {
    const wire = openaiErrorObject(error);
    emit("error", { code: wire.code ?? wire.type, message: wire.message, param: wire.param, error: wire });
    finishFailed(failureOf(error));
  }

  function finishFailed(failure: { code: string; message: string }): void {
    const open = block;
    block = undefined;
    if (open) output.push(partialItem(open));
    emit("response.failed", { response: snapshot({ status: "failed", error: failure }) });
  }

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

  function finish(event: Extract<CanonicalEvent, { type: "response_finished" }>): void {
    const outcome = outcomeOf(event.finishReason, event.rawFinishReason);
    if (outcome.status === "failed") {
      const failure = outcome.error!;
      emit("error", { code: failure.code, message: failure.message, param: null, error: { type: "server_error", code: failure.code, message: failure.message, param: null } });
      finishFailed(failure);
      return;
    }
    closeBlock(outcome.status === "incomplete" ? "incomplete" : "completed");
    emit(outcome.status === "incomplete" ? "response.incomplete" : "response.completed", { response: snapshot(outcome) });
  }

  function handle(event: CanonicalEvent): void {
    if (ended) return;
    if (event.type !== "response_started" && !started && (event.type === "error" || event.type === "response_finished")) {
      start(randomId(""), call.model, Math.floor(Date.now() / 1000));
    }
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
        out += `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":"${current.id}","output_index":${current.outputIndex},"content_index":0,"delta":${JSON.stringify(event.text)},"logprobs":[],"sequence_number":${sequence++}}\n\n`;
        return;
      }
      case "reasoning_delta": {
        const current = reasoningBlock(event.index, event.id);
        reasoningText(current, event.text, event.kind);
        if (event.kind) current.textKind = event.kind;
        return;
      }
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
      case "tool_call_args_delta": {
        if (block?.kind !== "function_call" || event.delta === "") return;
        block.args += event.delta;
        emit("response.function_call_arguments.delta", { item_id: block.id, output_index: block.outputIndex, delta: event.delta });
        return;
      }
      case "tool_call_finished": {
        if (block?.kind !== "function_call") return;
        block.args = event.arguments;
        block.finished = true;
        emit("response.function_call_arguments.done", { item_id: block.id, output_index: block.outputIndex, arguments: event.arguments });
        closeBlock("completed");
        return;
      }
      case "usage":
        usage = { ...usage, ...event.usage };
        return;
      case "warning":
        // No Responses event carries a warning, and strict clients reject unknown event types.
        return;
      case "error":
        ended = true;
        fail(event.error);
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
      const chunk = out;
      out = "";
      return chunk;
    },
    end: () => "",
    keepalive: () => SSE_KEEPALIVE,
  };
}

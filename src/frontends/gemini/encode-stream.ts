import type { InboundRequest, StreamEncoder } from "../../core/codec.ts";
import type { CanonicalCall } from "../../core/model/call.ts";
import type { CanonicalEvent } from "../../core/model/events.ts";
import type { ProviderSignature, ReasoningPart } from "../../core/model/parts.ts";
import type { Usage } from "../../core/model/usage.ts";
import type { JsonObject } from "../shared/validate.ts";
import { createReasoningCarrier, functionCallPart, geminiFinishReason, geminiUsage, textPart, thoughtPart } from "./encode-parts.ts";
import { geminiErrorBody } from "./errors.ts";

type OpenReasoning = Omit<ReasoningPart, "type"> & { index: number };

function appendSignature(previous: ProviderSignature | undefined, next: ProviderSignature | undefined): ProviderSignature | undefined {
  if (!next) return previous;
  if (!previous || previous.dialect !== next.dialect) return { ...next };
  return { dialect: next.dialect, value: previous.value + next.value };
}

/**
 * Gemini's stream: every element is a whole GenerateContentResponse carrying the new parts.
 * With `?alt=sse` each is one `data:` line and the stream simply ends (no terminator); without
 * it the elements form one JSON array, streamed progressively (`[{…}\n,{…}\n]`).
 *
 * A thought part is held until the next event, so a signature that closes the block lands on
 * the part it signs (Gemini sends `{text, thought, thoughtSignature}` as one part). Function
 * calls arrive whole: one part at `tool_call_finished`.
 */
export function createGeminiStreamEncoder(call: CanonicalCall, request: Pick<InboundRequest, "url">): StreamEncoder {
  const sse = request.url.searchParams.get("alt") === "sse";
  const showThoughts = call.options.reasoning?.includeThoughts === true;
  const carrier = createReasoningCarrier();
  let trailer = `"modelVersion":${JSON.stringify(call.model)}`;
  let elements = 0;
  let pending: OpenReasoning | undefined;
  let block: OpenReasoning | undefined;
  const calls = new Map<number, { id: string; name: string; signature?: ProviderSignature }>();
  let usage: Usage | undefined;

  const element = (json: string): string => {
    elements++;
    if (sse) return `data: ${json}\n\n`;
    return elements === 1 ? `[${json}` : `\n,${json}`;
  };
  const partsChunk = (parts: JsonObject[]): string =>
    element(`{"candidates":[{"content":{"parts":${JSON.stringify(parts)},"role":"model"},"index":0}],${trailer}}`);

  function flushPending(): string {
    if (!pending) return "";
    const part = thoughtPart(pending, showThoughts);
    pending = undefined;
    return part ? partsChunk([part]) : "";
  }

  /** Leaving a reasoning block: its last part goes out, and signed foreign reasoning is carried. */
  function leaveReasoning(index?: number): string {
    if (!block || block.index === index) return "";
    const out = flushPending();
    carrier.add(block);
    block = undefined;
    return out;
  }

  function openReasoning(index: number): OpenReasoning {
    block ??= { index, text: "", kind: "thinking" };
    return block;
  }

  return {
    contentType: sse ? "text/event-stream" : "application/json",
    encode(event: CanonicalEvent): string {
      switch (event.type) {
        case "response_started":
          trailer = `"modelVersion":${JSON.stringify(event.model || call.model)},"responseId":${JSON.stringify(event.id)}`;
          return "";
        case "message_started":
        case "tool_call_args_delta":
        case "warning":
          return "";
        case "text_delta": {
          const out = leaveReasoning();
          if (event.text === "" && !event.signature) return out;
          return out + partsChunk([textPart(event.text, event.signature)]);
        }
        case "reasoning_delta": {
          const out = leaveReasoning(event.index) + flushPending();
          const open = openReasoning(event.index);
          open.text += event.text;
          if (event.kind) open.kind = event.kind;
          if (event.id) open.id = event.id;
          pending = { index: event.index, text: event.text, kind: open.kind, ...(open.id && { id: open.id }) };
          return out;
        }
        case "reasoning_signature_delta": {
          const out = leaveReasoning(event.index);
          const open = openReasoning(event.index);
          if (event.id) open.id = event.id;
          pending ??= { index: event.index, text: "", kind: open.kind };
          const signature = appendSignature(pending.signature, event.signature);
          const opaque = appendSignature(pending.opaque, event.opaque);
          if (signature) pending.signature = open.signature = signature;
          if (opaque) pending.opaque = open.opaque = opaque;
          if (open.id) pending.id = open.id;
          return out;
        }
        case "tool_call_started":
          calls.set(event.index, { id: event.id, name: event.name, ...(event.signature && { signature: event.signature }) });
          return leaveReasoning();
        case "tool_call_finished": {
          const started = calls.get(event.index);
          if (!started) return "";
          calls.delete(event.index);
          return partsChunk([functionCallPart({ ...started, arguments: event.arguments }, carrier.take())]);
        }
        case "usage":
          usage = { ...usage, ...event.usage };
          return "";
        case "response_finished": {
          const out = leaveReasoning();
          const finish = JSON.stringify(geminiFinishReason(event.finishReason, event.rawFinishReason));
          const metadata = usage ? `"usageMetadata":${JSON.stringify(geminiUsage(usage))},` : "";
          return out + element(`{"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":${finish},"index":0}],${metadata}${trailer}}`);
        }
        case "error":
          // Gemini's own mid-stream failure: a bare error object after the 200 (the SDK throws ApiError on it).
          return leaveReasoning() + element(JSON.stringify(geminiErrorBody(event.error)));
        default: {
          const exhaustive: never = event;
          return exhaustive;
        }
      }
    },
    end(): string {
      const out = leaveReasoning();
      if (sse) return out;
      return elements === 0 ? `${out}[]` : `${out}\n]`;
    },
    keepalive: () => (sse ? ": keepalive\n\n" : "\n"),
  };
}

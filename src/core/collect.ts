import type { CanonicalError } from "./model/errors.ts";
import type { CanonicalEvent, FinishReason } from "./model/events.ts";
import type { Part, ProviderSignature, ReasoningPart, TextPart, ToolCallPart } from "./model/parts.ts";
import type { Usage } from "./model/usage.ts";

/** A whole response assembled from events: what JSON (non-streaming) encoders render. */
export interface CollectedResponse {
  id: string;
  model: string;
  created: number;
  parts: Part[];
  usage?: Usage;
  finishReason?: FinishReason;
  rawFinishReason?: string;
  stopSequence?: string;
  error?: CanonicalError;
  warnings: Array<{ code: string; message: string }>;
}

/** Incremental assembler; `add` each event, read `response` at the end. */
export function createCollector() {
  const response: CollectedResponse = { id: "", model: "", created: 0, parts: [], warnings: [] };
  let blockIndex = -1;
  let current: Part | undefined;

  function block<T extends Part>(index: number, make: () => T): T {
    if (index !== blockIndex || !current) {
      blockIndex = index;
      current = make();
      response.parts.push(current);
    }
    return current as T;
  }

  return {
    response,
    add(event: CanonicalEvent): void {
      switch (event.type) {
        case "response_started":
          response.id = event.id;
          response.model = event.model;
          response.created = event.created;
          break;
        case "message_started":
          break;
        case "text_delta": {
          const part = block<TextPart>(event.index, () => ({ type: "text", text: "" }));
          part.text += event.text;
          if (event.signature) part.signature = event.signature;
          break;
        }
        case "reasoning_delta": {
          const part = block<ReasoningPart>(event.index, () => ({ type: "reasoning", text: "" }));
          part.text += event.text;
          if (event.kind) part.kind = event.kind;
          if (event.id) part.id = event.id;
          break;
        }
        case "reasoning_signature_delta": {
          const part = block<ReasoningPart>(event.index, () => ({ type: "reasoning", text: "" }));
          if (event.signature) part.signature = appendSignature(part.signature, event.signature);
          if (event.opaque) part.opaque = appendSignature(part.opaque, event.opaque);
          if (event.id) part.id = event.id;
          break;
        }
        case "tool_call_started": {
          const part = block<ToolCallPart>(event.index, () => ({ type: "tool_call", id: event.id, name: event.name, arguments: "" }));
          if (event.signature) part.signature = event.signature;
          break;
        }
        case "tool_call_args_delta":
          block<ToolCallPart>(event.index, () => ({ type: "tool_call", id: "", name: "", arguments: "" })).arguments += event.delta;
          break;
        case "tool_call_finished":
          block<ToolCallPart>(event.index, () => ({ type: "tool_call", id: "", name: "", arguments: "" })).arguments = event.arguments;
          break;
        case "usage":
          response.usage = { ...response.usage, ...event.usage };
          break;
        case "warning":
          response.warnings.push({ code: event.code, message: event.message });
          break;
        case "error":
          response.error = event.error;
          break;
        case "response_finished":
          response.finishReason = event.finishReason;
          if (event.rawFinishReason !== undefined) response.rawFinishReason = event.rawFinishReason;
          if (event.stopSequence !== undefined) response.stopSequence = event.stopSequence;
          break;
        default: {
          const exhaustive: never = event;
          throw new Error(`unknown event ${(exhaustive as { type: string }).type}`);
        }
      }
    },
  };
}

/** Signatures may arrive in several deltas; they concatenate. */
function appendSignature(previous: ProviderSignature | undefined, next: ProviderSignature): ProviderSignature {
  if (!previous || previous.dialect !== next.dialect) return { ...next };
  return { dialect: next.dialect, value: previous.value + next.value };
}

export async function collectEvents(events: AsyncIterable<CanonicalEvent>): Promise<CollectedResponse> {
  const collector = createCollector();
  for await (const event of events) collector.add(event);
  return collector.response;
}

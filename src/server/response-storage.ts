import { type CollectedResponse, createCollector } from "../core/collect.ts";
import type { FrontendCodec, StreamEncoder } from "../core/codec.ts";
import type { Conversations } from "../core/continuity/conversations.ts";
import type { CanonicalCall, Message } from "../core/model/call.ts";
import { isTerminalEvent } from "../core/model/events.ts";
import type { Pipeline } from "../core/pipeline/pipeline.ts";
import { stageDefinitions } from "../core/pipeline/stages.ts";

/** Wraps one response's encoder so the finished answer is kept (`continuation.storeAs`). */
export interface ResponseKeeper {
  /** `call` is the call the encoder renders (after the request stages). */
  encoder(encoder: StreamEncoder, call: CanonicalCall): StreamEncoder;
  frontend(): FrontendCodec;
}

/** Only answers that finished are kept: a failed or cut-off response cannot be continued. */
function finished(response: CollectedResponse): boolean {
  return response.error === undefined && response.finishReason !== undefined && response.finishReason !== "error";
}

function hasRequestStages(pipeline: Pipeline): boolean {
  return stageDefinitions.some((stage) => stage.side === "request" && pipeline.has(stage.name));
}

/**
 * The call to run and, when it asks to be kept, its keeper. With keeping switched off the
 * call loses `storeAs`, so its dialect shows it as not stored.
 *
 * The conversation is taken before the request stages, which may edit messages in place
 * (`redact_secrets`): a continuation then equals the client sending the whole history itself,
 * and the stages apply to it afresh. The answer is taken as the client received it (after the
 * event stages) and saved just before the terminal event's bytes are written, so a client that
 * continues the moment its answer ends finds it.
 */
export function prepareKeeping(
  conversations: Conversations,
  frontend: FrontendCodec,
  call: CanonicalCall,
  owner: string | undefined,
  pipeline: Pipeline,
): { call: CanonicalCall; keeper?: ResponseKeeper } {
  const continuation = call.continuation;
  const id = continuation?.storeAs;
  if (!continuation || id === undefined) return { call };
  if (!conversations.enabled) {
    const { storeAs: _dropped, ...rest } = continuation;
    return { call: { ...call, continuation: rest } };
  }
  const messages: Message[] = hasRequestStages(pipeline) ? structuredClone(call.messages) : call.messages;
  const save = (response: CollectedResponse, rendered: unknown): void => {
    if (!finished(response)) return;
    conversations.save({
      id,
      dialect: call.sourceDialect,
      ...(owner !== undefined && { owner }),
      createdAt: Date.now(),
      messages,
      preamble: continuation.preamble,
      output: response.parts,
      rendered,
    });
  };
  const keeper: ResponseKeeper = {
    encoder(inner, rendering) {
      const collector = createCollector();
      return {
        contentType: inner.contentType,
        encode(event) {
          collector.add(event);
          const bytes = inner.encode(event);
          if (isTerminalEvent(event)) {
            const response = collector.response;
            if (finished(response)) save(response, inner.finalResponse ? inner.finalResponse() : frontend.encodeResponse(response, rendering));
          }
          return bytes;
        },
        end: () => inner.end(),
        keepalive: () => inner.keepalive(),
      };
    },
    frontend() {
      return {
        ...frontend,
        encodeResponse(response, rendering) {
          const rendered = frontend.encodeResponse(response, rendering);
          save(response, rendered);
          return rendered;
        },
      };
    },
  };
  return { call, keeper };
}

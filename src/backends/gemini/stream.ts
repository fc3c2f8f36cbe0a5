import { LipError } from "../../core/model/errors.ts";
import type { CanonicalEvent } from "../../core/model/events.ts";
import { randomId } from "../../core/model/ids.ts";
import type { ProviderSignature } from "../../core/model/parts.ts";
import type { Usage } from "../../core/model/usage.ts";
import { streamError } from "./errors.ts";
import { geminiFinishReason } from "./finish.ts";
import { geminiUsage } from "./usage.ts";
import { geminiDialect, type GeminiPart, type GeminiResponse } from "./wire.ts";

type Block = { kind: "text"; signed: boolean } | { kind: "reasoning"; signed: boolean } | { kind: "tool" };

/** Built-in tool parts (code execution) have no canonical block: they are shown as text. */
function builtInText(part: GeminiPart): string | undefined {
  if (part.executableCode) return `\n\`\`\`${(part.executableCode.language ?? "").toLowerCase()}\n${part.executableCode.code ?? ""}\n\`\`\`\n`;
  if (part.codeExecutionResult) return `\n\`\`\`\n${part.codeExecutionResult.output ?? ""}\n\`\`\`\n`;
  return undefined;
}

/**
 * Gemini stream chunks (each a whole GenerateContentResponse) → canonical events. Block indices
 * are ours: a change between thought and answer text opens a block, every functionCall is a
 * whole tool block, and a second signature never lands in a block that already has one (the
 * signature belongs to the part it came with). Finish and usage wait for the end of the body:
 * Gemini has no terminator, and its last usageMetadata is the complete one.
 */
export function createGeminiStreamMapper(backendId: string, fallbackModel: string, warnings: ReadonlyArray<{ code: string; message: string }> = []) {
  let started = false;
  let index = -1;
  let block: Block | undefined;
  let sawToolCall = false;
  let finish: { raw: string; blocked: boolean } | undefined;
  let usage: Usage | undefined;

  function open(next: Block): void {
    index++;
    block = next;
  }

  function signatureOf(part: GeminiPart): ProviderSignature | undefined {
    return part.thoughtSignature ? { dialect: geminiDialect, value: part.thoughtSignature } : undefined;
  }

  function mapPart(part: GeminiPart, events: CanonicalEvent[]): void {
    const signature = signatureOf(part);
    if (part.functionCall) {
      const args = JSON.stringify(part.functionCall.args ?? {});
      open({ kind: "tool" });
      sawToolCall = true;
      // Gemini may leave calls without ids; the minted one is what results will answer to.
      const id = part.functionCall.id || randomId("call_");
      events.push({ type: "tool_call_started", index, id, name: part.functionCall.name, ...(signature && { signature }) });
      events.push({ type: "tool_call_args_delta", index, delta: args });
      events.push({ type: "tool_call_finished", index, arguments: args });
      return;
    }
    if (part.inlineData || part.fileData) {
      events.push({ type: "warning", code: "unsupported_output", message: `upstream ${backendId} returned media output, which is not forwarded` });
      return;
    }
    const text = part.text ?? builtInText(part) ?? "";
    if (text === "" && !signature) return;
    const kind = part.thought ? "reasoning" : "text";
    if (block?.kind !== kind || (block.signed && signature)) open({ kind, signed: false });
    if (kind === "reasoning") {
      if (text !== "") events.push({ type: "reasoning_delta", index, text, kind: "thinking" });
      if (signature) events.push({ type: "reasoning_signature_delta", index, signature });
    } else {
      events.push({ type: "text_delta", index, text, ...(signature && { signature }) });
    }
    if (signature && block && block.kind !== "tool") block.signed = true;
  }

  return {
    /** Events for one parsed chunk; an in-stream `{"error":…}` throws. */
    map(chunk: GeminiResponse): CanonicalEvent[] {
      if (chunk.error) throw streamError(backendId, chunk.error);
      const events: CanonicalEvent[] = [];
      if (!started) {
        started = true;
        events.push({ type: "response_started", id: chunk.responseId ?? randomId("gemini_"), model: chunk.modelVersion ?? fallbackModel, created: Math.floor(Date.now() / 1000) });
        events.push({ type: "message_started", role: "assistant" });
        for (const warning of warnings) events.push({ type: "warning", ...warning });
      }
      if (chunk.usageMetadata) usage = geminiUsage(chunk.usageMetadata);
      const candidate = chunk.candidates?.[0];
      for (const part of candidate?.content?.parts ?? []) mapPart(part, events);
      if (candidate?.finishReason) finish = { raw: candidate.finishReason, blocked: false };
      else if (chunk.promptFeedback?.blockReason && !finish) finish = { raw: chunk.promptFeedback.blockReason, blocked: true };
      return events;
    },
    /** Events at the end of the body; a stream that never said why it stopped was cut. */
    end(): CanonicalEvent[] {
      if (!finish) throw new LipError("upstream", `upstream ${backendId} stream ended without a finish reason`, { code: "truncated_stream" });
      const events: CanonicalEvent[] = [];
      if (usage) events.push({ type: "usage", usage });
      const reason = finish.blocked ? "content_filter" : geminiFinishReason(finish.raw, sawToolCall);
      events.push({ type: "response_finished", finishReason: reason, rawFinishReason: finish.raw });
      return events;
    },
  };
}

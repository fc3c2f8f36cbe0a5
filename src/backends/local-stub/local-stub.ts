import { Type } from "typebox";
import { abortableSleep } from "../../core/abortable-sleep.ts";
import type { BackendConfig, BackendKind } from "../../core/backend-kind.ts";
import type { AttemptContext, BackendInstance } from "../../core/codec.ts";
import type { CanonicalCall } from "../../core/model/call.ts";
import { LipError, kindForStatus } from "../../core/model/errors.ts";
import type { CanonicalEvent } from "../../core/model/events.ts";
import { randomId } from "../../core/model/ids.ts";
import { backendIdentity } from "../shared/backend-identity.ts";

const defaultText = "[local-stub] deterministic assistant text";

const options = Type.Object({
  text: Type.Optional(Type.String({ description: "Assistant text to stream." })),
  echo: Type.Optional(Type.Boolean({ description: "Answer with the last user text instead of `text`." })),
  echo_call: Type.Optional(Type.Boolean({ description: "Answer with a JSON summary of the canonical call received (for conformance tests)." })),
  tool_calls: Type.Optional(
    Type.Array(Type.Object({ name: Type.String(), args: Type.String() }), { description: "Emit these tool calls (in parallel) after the text." }),
  ),
  reasoning_text: Type.Optional(Type.String({ description: "Reasoning streamed before the text." })),
  input_tokens: Type.Optional(Type.Integer({ minimum: 0 })),
  output_tokens: Type.Optional(Type.Integer({ minimum: 0 })),
  tool_name: Type.Optional(Type.String({ description: "Emit a tool call with this name after the text." })),
  tool_args: Type.Optional(Type.String({ description: "JSON arguments of that tool call." })),
  call_offered_tool: Type.Optional(
    Type.Boolean({ description: "When the request offers tools (and tool_choice is not none), answer with only a call of one (the named one, else the first) with `tool_args`." }),
  ),
  stream_error_after_text_delta: Type.Optional(Type.Boolean({ description: "Break the stream after the first text delta (post-output failure)." })),
  ttft_ms: Type.Optional(Type.Integer({ minimum: 0, description: "Delay before the first content event." })),
  chunks: Type.Optional(Type.Integer({ minimum: 1, description: "Split the text into this many deltas." })),
  chunk_delay_ms: Type.Optional(Type.Integer({ minimum: 0, description: "Delay between deltas." })),
  fail_status: Type.Optional(Type.Integer({ minimum: 400, maximum: 599, description: "Fail before output with this HTTP status." })),
  finish_reason: Type.Optional(
    Type.Union([Type.Literal("stop"), Type.Literal("length"), Type.Literal("content_filter")], { description: "Finish reason of an answer without tool calls (default stop)." }),
  ),
});

interface StubSettings {
  text: string;
  echo: boolean;
  echoCall: boolean;
  toolCalls: Array<{ name: string; args: string }>;
  reasoningText?: string;
  inputTokens: number;
  outputTokens: number;
  toolName?: string;
  toolArgs: string;
  callOfferedTool: boolean;
  breakAfterText: boolean;
  ttftMs: number;
  chunks: number;
  chunkDelayMs: number;
  failStatus?: number;
  finishReason: "stop" | "length" | "content_filter";
}

function settingsOf(config: BackendConfig): StubSettings {
  const get = <T>(key: string): T | undefined => config[key] as T | undefined;
  return {
    text: get<string>("text") ?? defaultText,
    echo: get<boolean>("echo") ?? false,
    echoCall: get<boolean>("echo_call") ?? false,
    toolCalls: get<Array<{ name: string; args: string }>>("tool_calls") ?? [],
    reasoningText: get<string>("reasoning_text"),
    inputTokens: get<number>("input_tokens") ?? 10,
    outputTokens: get<number>("output_tokens") ?? 20,
    toolName: get<string>("tool_name"),
    toolArgs: get<string>("tool_args") ?? "{}",
    callOfferedTool: get<boolean>("call_offered_tool") ?? false,
    breakAfterText: get<boolean>("stream_error_after_text_delta") ?? false,
    ttftMs: get<number>("ttft_ms") ?? 0,
    chunks: get<number>("chunks") ?? 1,
    chunkDelayMs: get<number>("chunk_delay_ms") ?? 0,
    failStatus: get<number>("fail_status"),
    finishReason: get<StubSettings["finishReason"]>("finish_reason") ?? "stop",
  };
}

function lastUserText(call: CanonicalCall): string {
  for (let i = call.messages.length - 1; i >= 0; i--) {
    const message = call.messages[i]!;
    if (message.role !== "user") continue;
    const text = message.parts.map((part) => (part.type === "text" ? part.text : "")).join("");
    if (text) return text;
  }
  return "";
}

/** What the backend received, compactly: lets conformance tests assert on the decoded call end to end. */
export function summarizeCall(call: CanonicalCall): unknown {
  return {
    model: call.model,
    dialect: call.sourceDialect,
    messages: call.messages.map((message) => ({
      role: message.role,
      parts: message.parts.map((part) => {
        switch (part.type) {
          case "text":
            return { type: "text", text: part.text, ...(part.signature && { signature: part.signature }) };
          case "image":
          case "file":
            return { type: part.type, source: part.source.kind, mediaType: "mediaType" in part.source ? part.source.mediaType : undefined };
          case "tool_call":
            return { type: "tool_call", id: part.id, name: part.name, arguments: part.arguments, ...(part.signature && { signature: part.signature }) };
          case "tool_result":
            return { type: "tool_result", callId: part.callId, isError: part.isError ?? false, content: part.content.map((item) => (item.type === "text" ? item.text : `[${item.type}]`)).join("") };
          case "reasoning":
            return { type: "reasoning", text: part.text, ...(part.signature && { signature: part.signature }), ...(part.opaque && { opaque: part.opaque }) };
          default: {
            const exhaustive: never = part;
            return exhaustive;
          }
        }
      }),
    })),
    tools: call.tools.map((tool) => tool.name),
    toolChoice: call.toolChoice,
    options: call.options,
  };
}

/** The tool a model told to use what it is offered would call: the named choice, else the first tool. */
function offeredTool(call: CanonicalCall): string | undefined {
  if (call.tools.length === 0 || call.toolChoice?.type === "none") return undefined;
  return call.toolChoice?.type === "named" ? call.toolChoice.name : call.tools[0]!.name;
}

/** Split text into `count` deltas on character (not UTF-16 unit) boundaries. */
export function splitText(text: string, count: number): string[] {
  const characters = Array.from(text);
  const size = Math.max(1, Math.ceil(characters.length / count));
  const pieces: string[] = [];
  for (let i = 0; i < characters.length; i += size) pieces.push(characters.slice(i, i + size).join(""));
  return pieces.length > 0 ? pieces : [""];
}

async function* stubStream(settings: StubSettings, call: CanonicalCall, attempt: AttemptContext): AsyncGenerator<CanonicalEvent> {
  if (settings.ttftMs > 0) await abortableSleep(settings.ttftMs, attempt.signal);
  if (settings.failStatus !== undefined) {
    throw new LipError(kindForStatus(settings.failStatus), `local-stub failure with status ${settings.failStatus}`, {
      status: settings.failStatus,
      recoverable: settings.failStatus >= 500 || settings.failStatus === 429 || settings.failStatus === 408,
    });
  }
  yield { type: "response_started", id: randomId("stub_"), model: attempt.model, created: Math.floor(Date.now() / 1000) };
  yield { type: "message_started", role: "assistant" };
  let index = 0;
  if (settings.reasoningText) {
    yield { type: "reasoning_delta", index, text: settings.reasoningText, kind: "thinking" };
    yield { type: "reasoning_signature_delta", index, signature: { dialect: "local-stub", value: "stub-signature" } };
    index++;
  }
  const text = settings.echoCall ? JSON.stringify(summarizeCall(call)) : settings.echo ? lastUserText(call) || settings.text : settings.text;
  const offered = settings.callOfferedTool ? offeredTool(call) : undefined;
  // A model calling the tool it was offered answers with the call alone.
  const pieces = offered === undefined ? splitText(text, settings.chunks) : [];
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0 && settings.chunkDelayMs > 0) await abortableSleep(settings.chunkDelayMs, attempt.signal);
    yield { type: "text_delta", index, text: pieces[i]! };
    if (settings.breakAfterText) {
      throw new LipError("upstream", "local-stub stream broken after text delta", { code: "stream_broken" });
    }
  }
  if (pieces.length > 0) index++;
  const named = offered ?? settings.toolName;
  const toolCalls = named !== undefined ? [{ name: named, args: settings.toolArgs }, ...settings.toolCalls] : settings.toolCalls;
  for (const tool of toolCalls) {
    yield { type: "tool_call_started", index, id: `call_${randomId("").slice(0, 24)}`, name: tool.name };
    yield { type: "tool_call_args_delta", index, delta: tool.args };
    yield { type: "tool_call_finished", index, arguments: tool.args };
    index++;
  }
  yield {
    type: "usage",
    usage: { inputTokens: settings.inputTokens, outputTokens: settings.outputTokens, totalTokens: settings.inputTokens + settings.outputTokens },
  };
  yield { type: "response_finished", finishReason: toolCalls.length > 0 ? "tool_calls" : settings.finishReason };
}

export const localStubKind: BackendKind = {
  kind: "local-stub",
  description: "Deterministic in-process backend for tests, demos and benchmarks; needs no key.",
  defaultModel: "stub-default",
  options,
  create(config: BackendConfig): BackendInstance {
    const settings = settingsOf(config);
    return {
      ...backendIdentity(config, localStubKind),
      stream: (call, attempt) => stubStream(settings, call, attempt),
      countTokens: async (call) => Math.ceil(JSON.stringify(call.messages).length / 4),
    };
  },
};

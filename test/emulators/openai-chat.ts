/**
 * OpenAI Chat Completions emulator (any `POST …/chat/completions`, so Azure deployment paths
 * work too): `data:`-only chunks, tool-call deltas keyed by index (parallel calls), reasoning as
 * `reasoning_content` (or `reasoning`, like OpenRouter/Ollama), usage chunk only with
 * `stream_options.include_usage`, `data: [DONE]`; and the JSON `chat.completion` form.
 */
import { deltasOf, type Emulator, type EmulatorOptions, finishOf, joined, type RecordedRequest, startWireEmulator, type Turn, type WireFormat } from "./harness.ts";

export type { Emulator, EmulatorOptions, RecordedRequest, Step, Turn } from "./harness.ts";

export interface ChatEmulatorOptions extends EmulatorOptions {
  /** The delta field that carries reasoning text (default `reasoning_content`). */
  reasoningField?: "reasoning_content" | "reasoning";
  /** Path prefix of `url` (default `/v1`; Azure: `/openai`). */
  basePath?: string;
}

const data = (payload: unknown): string => `data: ${JSON.stringify(payload)}\n\n`;

function usageOf(turn: Turn): Record<string, unknown> | undefined {
  if (!turn.usage) return undefined;
  const { input, output, cached = 0, reasoning = 0 } = turn.usage;
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: { cached_tokens: cached },
    completion_tokens_details: { reasoning_tokens: reasoning },
  };
}

function chatWire(options: ChatEmulatorOptions): WireFormat {
  const reasoningField = options.reasoningField ?? "reasoning_content";
  const head = (turn: Turn, request: RecordedRequest) => ({
    id: turn.id ?? "chatcmpl-emulated",
    created: 1_700_000_000,
    model: turn.model ?? request.body?.model ?? "emulated-model",
  });
  return {
    basePath: options.basePath ?? "/v1",
    accepts: (method, path) => method === "POST" && path.endsWith("/chat/completions"),
    wantsStream: (request) => request.body?.stream === true,
    streamFrames(turn, request) {
      const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
        data({ ...head(turn, request), object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] });
      const content = [chunk({ role: "assistant", content: "" })];
      for (const piece of deltasOf(turn.reasoning?.text)) content.push(chunk({ [reasoningField]: piece }));
      for (const piece of deltasOf(turn.text)) content.push(chunk({ content: piece }));
      (turn.toolCalls ?? []).forEach((call, index) => {
        const id = call.id ?? `call_emulated_${index + 1}`;
        content.push(chunk({ tool_calls: [{ index, id, type: "function", function: { name: call.name, arguments: "" } }] }));
        for (const piece of deltasOf(call.arguments)) content.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
      });
      const finish = [chunk({}, finishOf(turn))];
      const usage = usageOf(turn);
      if (usage && request.body?.stream_options?.include_usage) finish.push(data({ ...head(turn, request), object: "chat.completion.chunk", choices: [], usage }));
      finish.push("data: [DONE]\n\n");
      return { content, finish };
    },
    streamErrorFrames: (error) => [data({ error: { message: error.message, type: "server_error", code: error.code ?? null } })],
    malformedFrame: () => 'data: {"id":"chatcmpl-emulated","choices":[{"delta":\n\n',
    json(turn, request) {
      const calls = (turn.toolCalls ?? []).map((call, index) => ({ id: call.id ?? `call_emulated_${index + 1}`, type: "function", function: { name: call.name, arguments: joined(call.arguments) } }));
      const message: Record<string, unknown> = { role: "assistant", content: turn.text === undefined ? null : joined(turn.text) };
      if (turn.reasoning?.text !== undefined) message[reasoningField] = joined(turn.reasoning.text);
      if (calls.length > 0) message.tool_calls = calls;
      const usage = usageOf(turn);
      return { ...head(turn, request), object: "chat.completion", choices: [{ index: 0, message, finish_reason: finishOf(turn) }], ...(usage && { usage }) };
    },
    errorBody: (error) => ({ error: { message: error.message ?? `emulated ${error.status}`, type: error.type ?? (error.status >= 500 ? "server_error" : "invalid_request_error"), param: null, code: error.code ?? null } }),
  };
}

/** Starts an OpenAI Chat Completions emulator; `url` ends in `/v1` unless `basePath` says otherwise. */
export function startEmulator(options: ChatEmulatorOptions): Emulator {
  return startWireEmulator(chatWire(options), options);
}

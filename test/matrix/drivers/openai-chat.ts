import OpenAI from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { Ask, ClientResult, Exchange, FollowUp, FrontendDriver } from "../frontend-drivers.ts";
import { emptyResult, matrixTools, parsedArguments } from "./common.ts";

/** Chat message fields lipstd adds beyond the SDK's types (OpenRouter's reasoning convention). */
interface ReasoningFields {
  reasoning_content?: string;
  reasoning_details?: Array<Record<string, unknown>>;
}

type AssistantMessage = { role: "assistant"; content: string | null; tool_calls?: Array<{ id: string; type: "function"; function: { name: string; arguments: string } }> } & ReasoningFields;

const tools = matrixTools.map((tool) => ({ type: "function" as const, function: tool }));

/** What a Chat client keeps of an answer: the message it would append to its history. */
interface Answer {
  result: ClientResult;
  message: AssistantMessage;
}

function resultOf(id: string, message: AssistantMessage, finish: string | undefined, usage: OpenAI.CompletionUsage | undefined): ClientResult {
  const details = message.reasoning_details ?? [];
  const carried = details.map((detail) => detail.signature ?? detail.data).find((value) => typeof value === "string") as string | undefined;
  return {
    ...(id && { id }),
    text: message.content ?? "",
    toolCalls: (message.tool_calls ?? []).map((call) => ({ id: call.id, name: call.function.name, arguments: parsedArguments(call.function.arguments) })),
    reasoning: { text: message.reasoning_content ?? "", ...(carried !== undefined && { carriedSignature: carried }) },
    ...(finish !== undefined && { finish }),
    ...(usage && {
      usage: { input: usage.prompt_tokens, output: usage.completion_tokens, cached: usage.prompt_tokens_details?.cached_tokens ?? 0, total: usage.total_tokens },
    }),
  };
}

async function streamed(client: OpenAI, body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming): Promise<Answer> {
  const message: AssistantMessage = { role: "assistant", content: "" };
  const calls: NonNullable<AssistantMessage["tool_calls"]> = [];
  let finish: string | undefined;
  let usage: OpenAI.CompletionUsage | undefined;
  let id = "";
  try {
    const stream = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } });
    for await (const chunk of stream) {
      id ||= chunk.id;
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      const delta = choice.delta as typeof choice.delta & ReasoningFields;
      message.content += delta.content ?? "";
      if (delta.reasoning_content) message.reasoning_content = (message.reasoning_content ?? "") + delta.reasoning_content;
      if (delta.reasoning_details) message.reasoning_details = [...(message.reasoning_details ?? []), ...delta.reasoning_details];
      for (const call of delta.tool_calls ?? []) {
        const entry = (calls[call.index] ??= { id: "", type: "function", function: { name: "", arguments: "" } });
        if (call.id) entry.id = call.id;
        if (call.function?.name) entry.function.name = call.function.name;
        entry.function.arguments += call.function?.arguments ?? "";
      }
      finish = choice.finish_reason ?? finish;
    }
  } catch (thrown) {
    if (calls.length > 0) message.tool_calls = calls;
    return { message, result: { ...resultOf(id, message, finish, usage), error: errorOf(thrown) } };
  }
  if (calls.length > 0) message.tool_calls = calls;
  return { message, result: resultOf(id, message, finish, usage) };
}

async function whole(client: OpenAI, body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming): Promise<Answer> {
  try {
    const completion = await client.chat.completions.create(body);
    const choice = completion.choices[0]!;
    const received = choice.message as typeof choice.message & ReasoningFields;
    const message: AssistantMessage = {
      role: "assistant",
      content: received.content,
      ...(received.tool_calls && { tool_calls: received.tool_calls.flatMap((call) => (call.type === "function" ? [{ id: call.id, type: "function" as const, function: call.function }] : [])) }),
      ...(received.reasoning_content !== undefined && { reasoning_content: received.reasoning_content }),
      ...(received.reasoning_details !== undefined && { reasoning_details: received.reasoning_details }),
    };
    return { message, result: resultOf(completion.id, message, choice.finish_reason, completion.usage) };
  } catch (thrown) {
    return { message: { role: "assistant", content: "" }, result: { ...emptyResult(), error: errorOf(thrown) } };
  }
}

function errorOf(thrown: unknown): ClientResult["error"] {
  if (thrown instanceof OpenAI.APIError) return { typed: true, ...(thrown.status !== undefined && { status: thrown.status }), message: thrown.message };
  return { typed: false, message: String(thrown) };
}

/** What a Chat client sends back: its message as received (reasoning_details included, as OpenRouter documents), then results or a prompt. */
function echoed(message: AssistantMessage): ChatCompletionMessageParam {
  const { reasoning_content: _shown, ...kept } = message;
  return kept as ChatCompletionMessageParam;
}

export function openaiChatDriver(baseUrl: string): FrontendDriver {
  const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: "matrix-client", maxRetries: 0 });
  async function run(history: ChatCompletionMessageParam[], options: { model: string; stream: boolean; tools?: boolean; reasoning?: boolean }): Promise<Exchange> {
    const body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = {
      model: options.model,
      messages: history,
      ...(options.tools && { tools }),
      ...(options.reasoning && { reasoning_effort: "low" }),
    };
    const answer = options.stream ? await streamed(client, body) : await whole(client, body);
    return {
      result: answer.result,
      next: (followUp: FollowUp) => {
        const results = Object.entries(followUp.toolResults ?? {}).map(([id, content]): ChatCompletionMessageParam => ({ role: "tool", tool_call_id: id, content }));
        const prompt: ChatCompletionMessageParam[] = followUp.prompt === undefined ? [] : [{ role: "user", content: followUp.prompt }];
        return run([...history, echoed(answer.message), ...results, ...prompt], { ...options, model: followUp.model, stream: followUp.stream });
      },
    };
  }
  return {
    dialect: "openai-chat",
    finishes: { stop: "stop", length: "length", tool_calls: "tool_calls", content_filter: "content_filter" },
    ask(ask: Ask) {
      const content: OpenAI.Chat.ChatCompletionContentPart[] = [{ type: "text", text: ask.prompt }];
      if (ask.image) content.push({ type: "image_url", image_url: { url: `data:${ask.image.mediaType};base64,${ask.image.data}` } });
      return run([{ role: "user", content: ask.image ? content : ask.prompt }], ask);
    },
  };
}

import Anthropic from "@anthropic-ai/sdk";
import type { Ask, ClientResult, Exchange, FollowUp, FrontendDriver } from "../frontend-drivers.ts";
import { emptyResult, matrixTools } from "./common.ts";

type MessageParam = Anthropic.MessageParam;

const tools: Anthropic.Tool[] = matrixTools.map((tool) => ({ name: tool.name, description: tool.description, input_schema: tool.parameters as Anthropic.Tool.InputSchema }));

function resultOf(message: Anthropic.Message): ClientResult {
  const result: ClientResult = { ...emptyResult(), id: message.id };
  for (const block of message.content) {
    if (block.type === "text") result.text += block.text;
    else if (block.type === "tool_use") result.toolCalls.push({ id: block.id, name: block.name, arguments: block.input });
    else if (block.type === "thinking") {
      result.reasoning.text += block.thinking;
      if (block.signature) result.reasoning.carriedSignature ??= block.signature;
    } else if (block.type === "redacted_thinking") result.reasoning.carriedSignature ??= block.data;
  }
  if (message.stop_reason) result.finish = message.stop_reason;
  const usage = message.usage;
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  // Anthropic's input_tokens excludes the cache; the canonical input is the sum (dialects.md §6).
  result.usage = { input: usage.input_tokens + cacheRead + (usage.cache_creation_input_tokens ?? 0), output: usage.output_tokens, cached: cacheRead };
  return result;
}

function errorOf(thrown: unknown): ClientResult["error"] {
  if (thrown instanceof Anthropic.APIError) return { typed: true, ...(thrown.status !== undefined && { status: thrown.status }), message: thrown.message };
  return { typed: false, message: String(thrown) };
}

async function answer(client: Anthropic, body: Anthropic.MessageCreateParamsNonStreaming, stream: boolean): Promise<{ result: ClientResult; message?: Anthropic.Message }> {
  if (!stream) {
    try {
      const message = await client.messages.create(body);
      return { result: resultOf(message), message };
    } catch (thrown) {
      return { result: { ...emptyResult(), error: errorOf(thrown) } };
    }
  }
  let text = "";
  try {
    const messages = client.messages.stream(body);
    for await (const event of messages) {
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
    }
    // The SDK's own accumulation of the stream, as a streaming client keeps it.
    const message = await messages.finalMessage();
    return { result: resultOf(message), message };
  } catch (thrown) {
    return { result: { ...emptyResult(), text, error: errorOf(thrown) } };
  }
}

export function anthropicDriver(baseUrl: string): FrontendDriver {
  const client = new Anthropic({ baseURL: baseUrl, apiKey: "matrix-client", maxRetries: 0 });
  async function run(history: MessageParam[], options: { model: string; stream: boolean; tools?: boolean; reasoning?: boolean }): Promise<Exchange> {
    const body: Anthropic.MessageCreateParamsNonStreaming = {
      model: options.model,
      max_tokens: 2048,
      messages: history,
      ...(options.tools && { tools }),
      ...(options.reasoning && { thinking: { type: "enabled", budget_tokens: 1024 } }),
    };
    const { result, message } = await answer(client, body, options.stream);
    return {
      result,
      next: (followUp: FollowUp) => {
        // Anthropic's documented loop: the assistant content as received, then one user turn with every result first.
        const content: Anthropic.ContentBlockParam[] = Object.entries(followUp.toolResults ?? {}).map(([id, text]) => ({ type: "tool_result", tool_use_id: id, content: text }));
        if (followUp.prompt !== undefined) content.push({ type: "text", text: followUp.prompt });
        const assistant: MessageParam = { role: "assistant", content: (message?.content ?? []) as Anthropic.ContentBlockParam[] };
        return run([...history, assistant, { role: "user", content }], { ...options, model: followUp.model, stream: followUp.stream });
      },
    };
  }
  return {
    dialect: "anthropic",
    finishes: { stop: "end_turn", length: "max_tokens", tool_calls: "tool_use", content_filter: "refusal" },
    ask(ask: Ask) {
      const content: Anthropic.ContentBlockParam[] = [{ type: "text", text: ask.prompt }];
      if (ask.image) content.push({ type: "image", source: { type: "base64", media_type: ask.image.mediaType as "image/png", data: ask.image.data } });
      return run([{ role: "user", content }], ask);
    },
  };
}

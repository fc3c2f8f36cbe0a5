import OpenAI from "openai";
import type { Response, ResponseCreateParamsNonStreaming, ResponseInputContent, ResponseInputItem, ResponseOutputItem } from "openai/resources/responses/responses";
import type { Ask, ClientResult, Exchange, FollowUp, FrontendDriver } from "../frontend-drivers.ts";
import { emptyResult, matrixTools, parsedArguments } from "./common.ts";

const tools = matrixTools.map((tool) => ({ type: "function" as const, strict: false, ...tool }));

function resultOf(response: Response): ClientResult {
  const result: ClientResult = { ...emptyResult(), id: response.id };
  for (const item of response.output) {
    if (item.type === "message") {
      for (const part of item.content) if (part.type === "output_text") result.text += part.text;
    } else if (item.type === "function_call") {
      result.toolCalls.push({ id: item.call_id, name: item.name, arguments: parsedArguments(item.arguments) });
    } else if (item.type === "reasoning") {
      const thinking = (item.content ?? []).map((part) => part.text).join("");
      result.reasoning.text += thinking || item.summary.map((part) => part.text).join("\n\n");
      if (item.encrypted_content) result.reasoning.carriedSignature = item.encrypted_content;
    }
  }
  const reason = response.incomplete_details?.reason;
  result.finish = reason ? `${response.status}:${reason}` : (response.status ?? undefined);
  if (response.usage) {
    const usage = response.usage;
    result.usage = { input: usage.input_tokens, output: usage.output_tokens, cached: usage.input_tokens_details?.cached_tokens ?? 0, total: usage.total_tokens };
  }
  return result;
}

function errorOf(thrown: unknown): ClientResult["error"] {
  if (thrown instanceof OpenAI.APIError) return { typed: true, ...(thrown.status !== undefined && { status: thrown.status }), message: thrown.message };
  return { typed: false, message: String(thrown) };
}

/** The answer and the output items a stateless client (store: false) sends back next turn. */
async function answer(client: OpenAI, body: ResponseCreateParamsNonStreaming, stream: boolean): Promise<{ result: ClientResult; output: ResponseOutputItem[] }> {
  if (!stream) {
    try {
      const response = await client.responses.create(body);
      return { result: resultOf(response), output: response.output };
    } catch (thrown) {
      return { result: { ...emptyResult(), error: errorOf(thrown) }, output: [] };
    }
  }
  let text = "";
  let final: Response | undefined;
  try {
    for await (const event of await client.responses.create({ ...body, stream: true })) {
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.completed" || event.type === "response.incomplete" || event.type === "response.failed") final = event.response;
    }
  } catch (thrown) {
    return { result: { ...emptyResult(), text, error: errorOf(thrown) }, output: [] };
  }
  if (!final) return { result: { ...emptyResult(), text, problem: "stream ended without a terminal response event" }, output: [] };
  const result = resultOf(final);
  // The streamed deltas and the final response must agree, or a streaming client shows something else.
  if (text !== result.text) result.problem = `streamed text ${JSON.stringify(text)} differs from the final response's ${JSON.stringify(result.text)}`;
  return { result, output: final.output };
}

export function openaiResponsesDriver(baseUrl: string): FrontendDriver {
  const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: "matrix-client", maxRetries: 0 });
  async function run(input: ResponseInputItem[], options: { model: string; stream: boolean; tools?: boolean; reasoning?: boolean }): Promise<Exchange> {
    const body: ResponseCreateParamsNonStreaming = {
      model: options.model,
      input,
      store: false,
      ...(options.tools && { tools }),
      ...(options.reasoning && { reasoning: { effort: "low", summary: "auto" }, include: ["reasoning.encrypted_content"] }),
    };
    const { result, output } = await answer(client, body, options.stream);
    return {
      result,
      next: (followUp: FollowUp) => {
        const outputs = Object.entries(followUp.toolResults ?? {}).map(([id, text]): ResponseInputItem => ({ type: "function_call_output", call_id: id, output: text }));
        const prompt: ResponseInputItem[] = followUp.prompt === undefined ? [] : [{ role: "user", content: followUp.prompt }];
        return run([...input, ...(output as ResponseInputItem[]), ...outputs, ...prompt], { ...options, model: followUp.model, stream: followUp.stream });
      },
    };
  }
  return {
    dialect: "openai-responses",
    finishes: { stop: "completed", length: "incomplete:max_output_tokens", tool_calls: "completed", content_filter: "incomplete:content_filter" },
    ask(ask: Ask) {
      const content: ResponseInputContent[] = [{ type: "input_text", text: ask.prompt }];
      if (ask.image) content.push({ type: "input_image", image_url: `data:${ask.image.mediaType};base64,${ask.image.data}`, detail: "auto" });
      return run([{ role: "user", content }], ask);
    },
  };
}

import { ApiError, type Content, type GenerateContentConfig, type GenerateContentResponse, GoogleGenAI, type Part } from "@google/genai";
import type { Ask, ClientResult, Exchange, FollowUp, FrontendDriver } from "../frontend-drivers.ts";
import { emptyResult, matrixTools } from "./common.ts";

const tools = [{ functionDeclarations: matrixTools.map((tool) => ({ name: tool.name, description: tool.description, parametersJsonSchema: tool.parameters })) }];

/** The model turn a client keeps: every part of every chunk, minus empty unsigned text (Gemini CLI does the same). */
function partsOf(chunks: GenerateContentResponse[]): Part[] {
  return chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []).filter((part) => !(part.text === "" && !part.thoughtSignature));
}

function resultOf(chunks: GenerateContentResponse[]): ClientResult {
  const result = emptyResult();
  const id = chunks.map((chunk) => chunk.responseId).find(Boolean);
  if (id) result.id = id;
  let anySignature: string | undefined;
  for (const part of partsOf(chunks)) {
    if (part.thoughtSignature) anySignature ??= part.thoughtSignature;
    if (part.thought) {
      result.reasoning.text += part.text ?? "";
      if (part.thoughtSignature) result.reasoning.carriedSignature ??= part.thoughtSignature;
    } else if (part.functionCall) {
      result.toolCalls.push({ id: part.functionCall.id ?? "", name: part.functionCall.name ?? "", arguments: part.functionCall.args ?? {} });
    } else if (part.text !== undefined) result.text += part.text;
  }
  // Gemini signs the turn on whichever part it likes; a thought's own signature is preferred above.
  if (anySignature !== undefined) result.reasoning.carriedSignature ??= anySignature;
  const finish = chunks.map((chunk) => chunk.candidates?.[0]?.finishReason).filter(Boolean).at(-1);
  if (finish) result.finish = finish;
  const usage = chunks.map((chunk) => chunk.usageMetadata).filter(Boolean).at(-1);
  if (usage?.promptTokenCount !== undefined) {
    // candidatesTokenCount excludes thoughts; canonical output includes them (dialects.md §6).
    result.usage = {
      input: usage.promptTokenCount,
      output: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
      cached: usage.cachedContentTokenCount ?? 0,
      ...(usage.totalTokenCount !== undefined && { total: usage.totalTokenCount }),
    };
  }
  return result;
}

function errorOf(thrown: unknown): ClientResult["error"] {
  if (thrown instanceof ApiError) return { typed: true, status: thrown.status, message: thrown.message };
  return { typed: false, message: String(thrown) };
}

async function answer(ai: GoogleGenAI, model: string, contents: Content[], config: GenerateContentConfig, stream: boolean): Promise<{ result: ClientResult; parts: Part[] }> {
  const chunks: GenerateContentResponse[] = [];
  try {
    if (stream) {
      for await (const chunk of await ai.models.generateContentStream({ model, contents, config })) chunks.push(chunk);
    } else {
      chunks.push(await ai.models.generateContent({ model, contents, config }));
    }
  } catch (thrown) {
    return { result: { ...resultOf(chunks), error: errorOf(thrown) }, parts: [] };
  }
  return { result: resultOf(chunks), parts: partsOf(chunks) };
}

export function geminiDriver(baseUrl: string): FrontendDriver {
  const ai = new GoogleGenAI({ apiKey: "matrix-client", httpOptions: { baseUrl } });
  async function run(contents: Content[], options: { model: string; stream: boolean; tools?: boolean; reasoning?: boolean }): Promise<Exchange> {
    const config: GenerateContentConfig = {
      ...(options.tools && { tools }),
      ...(options.reasoning && { thinkingConfig: { includeThoughts: true } }),
    };
    const { result, parts } = await answer(ai, options.model, contents, config, options.stream);
    return {
      result,
      next: (followUp: FollowUp) => {
        // Results answer calls by name (and id when the call had one), as the SDK's function-calling docs show.
        const replies: Part[] = Object.entries(followUp.toolResults ?? {}).map(([id, text]) => {
          const call = result.toolCalls.find((candidate) => candidate.id === id || candidate.name === id);
          return { functionResponse: { ...(call?.id && { id: call.id }), name: call?.name ?? id, response: { output: text } } };
        });
        if (followUp.prompt !== undefined) replies.push({ text: followUp.prompt });
        const history: Content[] = [...contents, { role: "model", parts }, { role: "user", parts: replies }];
        return run(history, { ...options, model: followUp.model, stream: followUp.stream });
      },
    };
  }
  return {
    dialect: "gemini",
    finishes: { stop: "STOP", length: "MAX_TOKENS", tool_calls: "STOP", content_filter: "SAFETY" },
    ask(ask: Ask) {
      const parts: Part[] = [{ text: ask.prompt }];
      if (ask.image) parts.push({ inlineData: { mimeType: ask.image.mediaType, data: ask.image.data } });
      return run([{ role: "user", parts }], ask);
    },
  };
}

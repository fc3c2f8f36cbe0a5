import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FinishReason, GoogleGenAI } from "@google/genai";
import { type Emulator, rateLimited, startGeminiEmulator } from "../../emulators/gemini.ts";

/** The emulator is only proof if Google's own SDK accepts what it sends. */
describe("Gemini emulator fidelity (@google/genai as the client)", () => {
  let emulator: Emulator;
  let ai: GoogleGenAI;
  beforeAll(() => {
    emulator = startGeminiEmulator({
      script: [
        {
          reply: {
            reasoning: { text: ["Weighing ", "options"], signature: "c2lnLTE=" },
            text: ["Calling ", "tools."],
            toolCalls: [
              { name: "get_weather", arguments: '{"city":"Paris"}' },
              { name: "get_weather", arguments: '{"city":"Oslo"}' },
            ],
            usage: { input: 30, output: 25, reasoning: 10, cached: 8 },
          },
        },
        { reply: { text: ["One ", "answer"], usage: { input: 3, output: 2 } } },
        { error: rateLimited("7s") },
      ],
    });
    ai = new GoogleGenAI({ apiKey: "emulator-key", httpOptions: { baseUrl: emulator.url } });
  });
  afterAll(() => emulator.stop());

  test("streamed: thoughts, text, parallel calls with the signature on the first, usage", async () => {
    const chunks = [];
    for await (const chunk of await ai.models.generateContentStream({ model: "gemini-3-flash-preview", contents: "weather?", config: { thinkingConfig: { includeThoughts: true } } })) chunks.push(chunk);
    const parts = chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []);
    expect(parts.filter((part) => part.thought).map((part) => part.text).join("")).toBe("Weighing options");
    expect(parts.filter((part) => !part.thought && part.text).map((part) => part.text).join("")).toBe("Calling tools.");
    const calls = parts.filter((part) => part.functionCall);
    expect(calls.map((part) => part.functionCall!.args)).toEqual([{ city: "Paris" }, { city: "Oslo" }]);
    expect(calls.map((part) => part.thoughtSignature)).toEqual(["c2lnLTE=", undefined]);
    const last = chunks.at(-1)!;
    expect(last.candidates?.[0]?.finishReason).toBe(FinishReason.STOP);
    expect(last.usageMetadata).toMatchObject({ promptTokenCount: 30, candidatesTokenCount: 15, thoughtsTokenCount: 10, cachedContentTokenCount: 8, totalTokenCount: 55 });
    const request = emulator.requests[0]!;
    expect(request.path).toEndWith("/models/gemini-3-flash-preview:streamGenerateContent");
    expect(request.query.get("alt")).toBe("sse");
    expect(request.key).toBe("emulator-key");
  });

  test("unary generateContent: one merged response", async () => {
    const response = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "hi" });
    expect(response.text).toBe("One answer");
    expect(response.usageMetadata?.totalTokenCount).toBe(5);
  });

  test("429 carries RetryInfo in the body", async () => {
    const failure = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "hi" }).catch((error: unknown) => error);
    expect(String((failure as Error).message)).toContain("RetryInfo");
    expect(String((failure as Error).message)).toContain('"retryDelay":"7s"');
  });
});

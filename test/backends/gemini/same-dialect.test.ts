import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Content, GoogleGenAI, HarmBlockThreshold, HarmCategory, ThinkingLevel } from "@google/genai";
import { testConfig } from "../../helpers/config.ts";
import { startLipstd, type TestServer } from "../../helpers/lipstd.ts";
import { type Emulator, type GeminiStep, type RecordedRequest, startGeminiEmulator } from "../../emulators/gemini.ts";

/**
 * Gemini in, Gemini out: the @google/genai SDK talks to lipstd's Gemini frontend, which routes
 * to the gemini backend and the emulator. What only Gemini understands must survive the trip.
 */

let script: (request: RecordedRequest, index: number) => GeminiStep = () => ({ reply: { text: "unscripted" } });
let emulator: Emulator;
let server: TestServer;
let ai: GoogleGenAI;

beforeAll(async () => {
  emulator = startGeminiEmulator({ script: (request, index) => script(request, index) });
  server = await startLipstd(testConfig([{ id: "g", kind: "gemini", base_url: emulator.url, api_key: "upstream-key" }]));
  ai = new GoogleGenAI({ apiKey: "client-key", httpOptions: { baseUrl: server.url, apiVersion: "v1beta" } });
});

afterAll(async () => {
  await server.stop();
  await emulator.stop();
});

const history: Content[] = [
  { role: "user", parts: [{ text: "Weather in Paris, then book a table." }] },
  {
    role: "model",
    parts: [
      { functionCall: { name: "get_weather", args: { city: "Paris" } }, thoughtSignature: "c2lnLWZyb20tZ2VtaW5p" },
      { functionCall: { name: "get_weather", args: { city: "Lyon" } } },
    ],
  },
  {
    role: "user",
    parts: [
      { functionResponse: { name: "get_weather", response: { celsius: 21 } } },
      { functionResponse: { name: "get_weather", response: { celsius: 18 } } },
    ],
  },
];

describe("same-dialect passthrough", () => {
  test("signatures, safety settings, hosted tools and thinking level reach Gemini as the client sent them", async () => {
    script = () => ({ reply: { text: "Booked." } });
    const before = emulator.requests.length;
    const response = await ai.models.generateContent({
      model: "g:gemini-3-flash-preview",
      contents: history,
      config: {
        systemInstruction: "You are a concierge.",
        safetySettings: [{ category: HarmCategory.HARM_CATEGORY_HARASSMENT, threshold: HarmBlockThreshold.BLOCK_ONLY_HIGH }],
        thinkingConfig: { includeThoughts: true, thinkingLevel: ThinkingLevel.HIGH },
        tools: [{ functionDeclarations: [{ name: "get_weather", parametersJsonSchema: { type: "object", properties: { city: { type: "string" } } } }] }, { googleSearch: {} }],
      },
    });
    expect(response.text).toBe("Booked.");
    const request = emulator.requests[before]!;
    expect(request.key).toBe("upstream-key");
    expect(request.body.safetySettings).toEqual([{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_ONLY_HIGH" }]);
    expect(request.body.tools).toEqual([
      { functionDeclarations: [{ name: "get_weather", parametersJsonSchema: { type: "object", properties: { city: { type: "string" } } } }] },
      { googleSearch: {} },
    ]);
    expect(request.body.generationConfig.thinkingConfig).toEqual({ thinkingLevel: "HIGH", includeThoughts: true });
    expect(request.body.systemInstruction).toEqual({ parts: [{ text: "You are a concierge." }] });
    const [, model, results] = request.body.contents as Array<{ role: string; parts: Array<Record<string, any>> }>;
    // Gemini's own signature goes back untouched; the unsigned parallel call stays unsigned.
    expect(model!.parts.map((part) => part.thoughtSignature)).toEqual(["c2lnLWZyb20tZ2VtaW5p", undefined]);
    expect(results!.parts.map((part) => [part.functionResponse.name, part.functionResponse.response])).toEqual([
      ["get_weather", { celsius: 21 }],
      ["get_weather", { celsius: 18 }],
    ]);
  });

  test("a streamed answer's thoughtSignature reaches the client as Gemini sent it", async () => {
    script = () => ({ reply: { reasoning: { text: "Need the weather.", signature: "Z2VtaW5pLXNpZw==" }, toolCalls: [{ name: "get_weather", arguments: '{"city":"Rome"}' }] } });
    const parts = [];
    for await (const chunk of await ai.models.generateContentStream({ model: "g:gemini-3-flash-preview", contents: "Weather in Rome?", config: { thinkingConfig: { includeThoughts: true } } })) {
      parts.push(...(chunk.candidates?.[0]?.content?.parts ?? []));
    }
    const call = parts.find((part) => part.functionCall);
    expect(call?.functionCall).toMatchObject({ name: "get_weather", args: { city: "Rome" } });
    expect(call?.thoughtSignature).toBe("Z2VtaW5pLXNpZw==");
    expect(parts.filter((part) => part.thought).map((part) => part.text).join("")).toBe("Need the weather.");
  });

  test("countTokens is answered by Gemini's :countTokens", async () => {
    script = () => ({ reply: { usage: { input: 42, output: 0 } } });
    const before = emulator.requests.length;
    const counted = await ai.models.countTokens({ model: "g:gemini-2.5-flash", contents: "How many tokens?" });
    expect(counted.totalTokens).toBe(42);
    expect(emulator.requests[before]!.path).toBe("/v1beta/models/gemini-2.5-flash:countTokens");
  });
});

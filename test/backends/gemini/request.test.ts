import { describe, expect, test } from "bun:test";
import { skipSignatureSentinel } from "../../../src/backends/gemini/contents.ts";
import { geminiRequestBody, geminiRequestWarnings } from "../../../src/backends/gemini/request.ts";
import type { CanonicalCall, Message } from "../../../src/core/model/call.ts";
import { LipError } from "../../../src/core/model/errors.ts";

const gemini = (value: string) => ({ dialect: "gemini", value });

function call(messages: Message[], extra: Partial<CanonicalCall> = {}): CanonicalCall {
  return { model: "gemini-2.5-flash", messages, tools: [], options: {}, stream: true, sourceDialect: "openai-chat", extensions: {}, ...extra };
}

type Body = { contents: Array<{ role: string; parts: Array<Record<string, any>> }>; [key: string]: any };

const body = (input: CanonicalCall, model = "gemini-2.5-flash") => geminiRequestBody(input, model, "auto") as Body;

describe("contents", () => {
  test("system and developer messages become systemInstruction; consecutive same-role turns merge", () => {
    const result = body(
      call([
        { role: "system", parts: [{ type: "text", text: "Be brief." }] },
        { role: "developer", parts: [{ type: "text", text: "Use metric units." }] },
        { role: "user", parts: [{ type: "text", text: "Weather in Paris?" }] },
        { role: "user", parts: [{ type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" } }] },
        { role: "assistant", parts: [{ type: "text", text: "Checking." }] },
        { role: "assistant", parts: [{ type: "tool_call", id: "c1", name: "get_weather", arguments: '{"city":"Paris"}' }] },
        { role: "tool", parts: [{ type: "tool_result", callId: "c1", content: [{ type: "text", text: "sunny" }] }] },
        { role: "user", parts: [{ type: "text", text: "And tomorrow?" }] },
      ]),
    );
    expect(result.systemInstruction).toEqual({ parts: [{ text: "Be brief." }, { text: "Use metric units." }] });
    expect(result.contents.map((content) => content.role)).toEqual(["user", "model", "user"]);
    expect(result.contents[0]!.parts).toEqual([{ text: "Weather in Paris?" }, { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } }]);
    expect(result.contents[1]!.parts[0]).toEqual({ text: "Checking." });
    expect(result.contents[1]!.parts[1]!.functionCall).toEqual({ name: "get_weather", args: { city: "Paris" }, id: "c1" });
    expect(result.contents[2]!.parts).toEqual([{ functionResponse: { name: "get_weather", id: "c1", response: { output: "sunny" } } }, { text: "And tomorrow?" }]);
  });

  test("empty text is left out of user turns and systemInstruction (Gemini: 'it has an empty text parameter')", () => {
    // An Anthropic client's empty text block, an empty system prompt, a Chat user content part "".
    const result = body(
      call([
        { role: "system", parts: [{ type: "text", text: "" }] },
        { role: "user", parts: [{ type: "text", text: "" }, { type: "text", text: "hi" }] },
        { role: "assistant", parts: [{ type: "text", text: "hello" }] },
        { role: "user", parts: [{ type: "text", text: "" }] },
        { role: "user", parts: [{ type: "text", text: "again" }] },
      ]),
    );
    expect(result.systemInstruction).toBeUndefined();
    expect(result.contents).toEqual([
      { role: "user", parts: [{ text: "hi" }] },
      { role: "model", parts: [{ text: "hello" }] },
      { role: "user", parts: [{ text: "again" }] },
    ]);
  });

  test("tool results: the name comes from the matching call, objects stay objects, errors are wrapped", () => {
    const result = body(
      call([
        { role: "user", parts: [{ type: "text", text: "go" }] },
        {
          role: "assistant",
          parts: [
            { type: "tool_call", id: "a", name: "lookup", arguments: "{}" },
            { type: "tool_call", id: "b", name: "fetch_page", arguments: "{}" },
            { type: "tool_call", id: "c", name: "fetch_page", arguments: "{}" },
          ],
        },
        { role: "tool", parts: [{ type: "tool_result", callId: "a", content: [{ type: "text", text: '{"rows": 3}' }] }] },
        { role: "tool", parts: [{ type: "tool_result", callId: "b", content: [{ type: "text", text: "404 not found" }], isError: true }] },
        { role: "tool", parts: [{ type: "tool_result", callId: "c", name: "fetch_page", content: [{ type: "text", text: "[1, 2]" }] }] },
      ]),
    );
    const responses = result.contents[2]!.parts.map((part) => part.functionResponse);
    expect(responses).toEqual([
      { name: "lookup", id: "a", response: { rows: 3 } },
      { name: "fetch_page", id: "b", response: { error: "404 not found" } },
      { name: "fetch_page", id: "c", response: { output: "[1, 2]" } },
    ]);
  });

  test("a tool result that answers no known call and names no tool is a 400 naming the part", () => {
    const input = call([
      { role: "user", parts: [{ type: "text", text: "go" }] },
      { role: "tool", parts: [{ type: "tool_result", callId: "ghost", content: [{ type: "text", text: "x" }] }] },
    ]);
    let thrown: unknown;
    try {
      body(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LipError);
    expect((thrown as LipError).error).toMatchObject({ kind: "invalid_request", status: 400, param: "messages[1].parts[0]" });
  });

  test("images a tool returned follow the functionResponse as sibling parts", () => {
    const result = body(
      call([
        { role: "user", parts: [{ type: "text", text: "screenshot" }] },
        { role: "assistant", parts: [{ type: "tool_call", id: "s", name: "screenshot", arguments: "{}" }] },
        {
          role: "tool",
          parts: [{ type: "tool_result", callId: "s", content: [{ type: "text", text: "done" }, { type: "image", source: { kind: "base64", mediaType: "image/jpeg", data: "/9j/" } }] }],
        },
      ]),
    );
    expect(result.contents[2]!.parts).toEqual([
      { functionResponse: { name: "screenshot", id: "s", response: { output: "done" } } },
      { inlineData: { mimeType: "image/jpeg", data: "/9j/" } },
    ]);
  });

  test("media: URLs become fileData with a media type, data: URLs inlineData, text documents text", () => {
    const result = body(
      call([
        {
          role: "user",
          parts: [
            { type: "image", source: { kind: "url", url: "https://example.com/cat.webp?size=2" } },
            { type: "file", source: { kind: "url", url: "gs://bucket/report.pdf" } },
            { type: "image", source: { kind: "url", url: "data:image/gif;base64,R0lGOD" } },
            { type: "file", source: { kind: "text", text: "line 1" }, filename: "notes.txt" },
          ],
        },
      ]),
    );
    expect(result.contents[0]!.parts).toEqual([
      { fileData: { mimeType: "image/webp", fileUri: "https://example.com/cat.webp?size=2" } },
      { fileData: { mimeType: "application/pdf", fileUri: "gs://bucket/report.pdf" } },
      { inlineData: { mimeType: "image/gif", data: "R0lGOD" } },
      { text: "notes.txt\n\nline 1" },
    ]);
  });

  test("arguments that are not a JSON object are kept readable instead of refused", () => {
    const result = body(
      call([
        { role: "user", parts: [{ type: "text", text: "go" }] },
        { role: "assistant", parts: [{ type: "tool_call", id: "x", name: "run", arguments: '{"cmd": "ls' }, { type: "tool_call", id: "y", name: "run", arguments: "" }] },
      ]),
    );
    expect(result.contents[1]!.parts.map((part) => part.functionCall.args)).toEqual([{ arguments: '{"cmd": "ls' }, {}]);
  });
});

describe("thought signatures", () => {
  test("Gemini signatures go back on the part they came with; thoughts return as thought parts", () => {
    const result = body(
      call([
        { role: "user", parts: [{ type: "text", text: "plan" }] },
        {
          role: "assistant",
          parts: [
            { type: "reasoning", text: "thinking about it", signature: gemini("sig-thought") },
            { type: "text", text: "Here is the plan.", signature: gemini("sig-text") },
          ],
        },
        { role: "user", parts: [{ type: "text", text: "now do it" }] },
        { role: "assistant", parts: [{ type: "tool_call", id: "t1", name: "act", arguments: "{}", signature: gemini("sig-call") }, { type: "tool_call", id: "t2", name: "act", arguments: "{}" }] },
      ]),
    );
    expect(result.contents[1]!.parts).toEqual([
      { text: "thinking about it", thought: true, thoughtSignature: "sig-thought" },
      { text: "Here is the plan.", thoughtSignature: "sig-text" },
    ]);
    // Parallel calls: only the first carries the signature, as Gemini issued it.
    expect(result.contents[3]!.parts.map((part) => part.thoughtSignature)).toEqual(["sig-call", undefined]);
  });

  test("other providers' reasoning is dropped and their signatures are never sent to Gemini", () => {
    const result = body(
      call([
        { role: "user", parts: [{ type: "text", text: "hi" }] },
        {
          role: "assistant",
          parts: [
            { type: "reasoning", text: "claude thinking", signature: { dialect: "anthropic", value: "EqQBCkYI" } },
            { type: "reasoning", text: "", opaque: { dialect: "openai-responses", value: "gAAAA" } },
            { type: "reasoning", text: "deepseek reasoning_content" },
            { type: "text", text: "Hello", signature: { dialect: "anthropic", value: "nope" } },
          ],
        },
        { role: "user", parts: [{ type: "text", text: "again" }] },
      ]),
    );
    expect(result.contents[1]!.parts).toEqual([{ text: "Hello" }]);
    expect(JSON.stringify(result)).not.toContain("EqQBCkYI");
  });

  test("unsigned calls in the current turn get the documented sentinel on the first call of each step", () => {
    const result = body(
      call([
        { role: "user", parts: [{ type: "text", text: "earlier question" }] },
        { role: "assistant", parts: [{ type: "tool_call", id: "old", name: "search", arguments: "{}" }] },
        { role: "tool", parts: [{ type: "tool_result", callId: "old", content: [{ type: "text", text: "r" }] }] },
        { role: "assistant", parts: [{ type: "text", text: "answer" }] },
        { role: "user", parts: [{ type: "text", text: "current question" }] },
        {
          role: "assistant",
          parts: [
            { type: "text", text: "Let me look." },
            { type: "tool_call", id: "a", name: "search", arguments: "{}", signature: { dialect: "anthropic", value: "foreign" } },
            { type: "tool_call", id: "b", name: "search", arguments: "{}" },
          ],
        },
        { role: "tool", parts: [{ type: "tool_result", callId: "a", content: [{ type: "text", text: "1" }] }, { type: "tool_result", callId: "b", content: [{ type: "text", text: "2" }] }] },
        { role: "assistant", parts: [{ type: "tool_call", id: "c", name: "search", arguments: "{}", signature: gemini("real") }] },
        { role: "tool", parts: [{ type: "tool_result", callId: "c", content: [{ type: "text", text: "3" }] }] },
        { role: "assistant", parts: [{ type: "tool_call", id: "d", name: "search", arguments: "{}" }] },
        { role: "tool", parts: [{ type: "tool_result", callId: "d", content: [{ type: "text", text: "4" }] }] },
      ]),
    );
    const signatures = result.contents.map((content) => content.parts.filter((part) => part.functionCall).map((part) => part.thoughtSignature ?? null));
    expect(result.contents.map((content) => content.role)).toEqual(["user", "model", "user", "model", "user", "model", "user", "model", "user", "model", "user"]);
    expect(signatures).toEqual([[], [null], [], [], [], [skipSignatureSentinel, null], [], ["real"], [], [skipSignatureSentinel], []]);
    expect(skipSignatureSentinel).toBe("skip_thought_signature_validator");
  });

  test("a Gemini client's own unsigned thoughts go back to a Gemini upstream; built-in tool parts are restored", () => {
    const result = body(
      call(
        [
          { role: "user", parts: [{ type: "text", text: "compute", extensions: { gemini: { mediaResolution: { level: "MEDIA_RESOLUTION_LOW" } } } }] },
          {
            role: "assistant",
            parts: [
              { type: "reasoning", text: "2.5 thoughts are unsigned" },
              { type: "text", text: "```python\nprint(1)\n```", extensions: { gemini: { part: { executableCode: { language: "PYTHON", code: "print(1)" } } } } },
            ],
          },
        ],
        { sourceDialect: "gemini" },
      ),
    );
    expect(result.contents[0]!.parts).toEqual([{ mediaResolution: { level: "MEDIA_RESOLUTION_LOW" }, text: "compute" }]);
    expect(result.contents[1]!.parts).toEqual([{ text: "2.5 thoughts are unsigned", thought: true }, { executableCode: { language: "PYTHON", code: "print(1)" } }]);
  });
});

describe("tools and tool choice", () => {
  const schema = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: { when: { anyOf: [{ type: "string", format: "date" }, { type: "null" }] } },
    additionalProperties: false,
    required: ["when"],
  };
  const tools = [
    { name: "plan", description: "Plans a day", parameters: schema },
    { name: "noop", parameters: { type: "object", properties: {} } },
  ];

  test("declarations carry the full JSON Schema in parametersJsonSchema, untouched", () => {
    const result = body(call([{ role: "user", parts: [{ type: "text", text: "x" }] }], { tools }));
    expect(result.tools).toEqual([
      {
        functionDeclarations: [
          { name: "plan", description: "Plans a day", parametersJsonSchema: schema },
          { name: "noop", parametersJsonSchema: { type: "object", properties: {} } },
        ],
      },
    ]);
    expect(result.tools[0].functionDeclarations[0].parameters).toBeUndefined();
  });

  test("toolChoice → functionCallingConfig", () => {
    const config = (toolChoice: CanonicalCall["toolChoice"]) => body(call([{ role: "user", parts: [{ type: "text", text: "x" }] }], { tools, toolChoice })).toolConfig;
    expect(config({ type: "auto" })).toEqual({ functionCallingConfig: { mode: "AUTO" } });
    expect(config({ type: "none" })).toEqual({ functionCallingConfig: { mode: "NONE" } });
    expect(config({ type: "required" })).toEqual({ functionCallingConfig: { mode: "ANY" } });
    expect(config({ type: "named", name: "plan" })).toEqual({ functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["plan"] } });
    expect(config(undefined)).toBeUndefined();
  });
});

describe("generation config", () => {
  const user: Message[] = [{ role: "user", parts: [{ type: "text", text: "x" }] }];

  test("sampling, limits, stop sequences and JSON schema output", () => {
    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] };
    const result = body(
      call(user, {
        options: { temperature: 0.3, topP: 0.9, topK: 40, maxOutputTokens: 512, stop: ["END"], seed: 7, responseFormat: { type: "json_schema", name: "answer", schema } },
      }),
    );
    expect(result.generationConfig).toEqual({
      temperature: 0.3,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 512,
      stopSequences: ["END"],
      seed: 7,
      responseMimeType: "application/json",
      responseJsonSchema: schema,
    });
    expect(body(call(user)).generationConfig).toBeUndefined();
  });

  test("thinking: budgets pass through; effort is a level on Gemini 3 and a budget on 2.5; never both", () => {
    const thinking = (reasoning: NonNullable<CanonicalCall["options"]["reasoning"]>, model: string) =>
      body(call(user, { options: { reasoning } }), model).generationConfig?.thinkingConfig;
    expect(thinking({ budgetTokens: 2048, includeThoughts: true }, "gemini-2.5-pro")).toEqual({ thinkingBudget: 2048, includeThoughts: true });
    expect(thinking({ effort: "medium" }, "gemini-3-flash-preview")).toEqual({ thinkingLevel: "MEDIUM" });
    expect(thinking({ effort: "minimal" }, "gemini-3-pro-preview")).toEqual({ thinkingLevel: "LOW" });
    expect(thinking({ effort: "medium" }, "gemini-3-pro-preview")).toEqual({ thinkingLevel: "HIGH" });
    expect(thinking({ effort: "low" }, "gemini-2.5-flash")).toEqual({ thinkingBudget: 1024 });
    expect(thinking({ effort: "none" }, "gemini-2.5-flash")).toEqual({ thinkingBudget: 0 });
    expect(thinking({ effort: "none" }, "gemini-2.5-pro")).toEqual({ thinkingBudget: 128 });
    expect(thinking({ enabled: false }, "gemini-3-flash-preview")).toEqual({ thinkingLevel: "MINIMAL" });
    expect(thinking({ enabled: true, adaptive: true }, "models/gemini-2.5-flash")).toEqual({ thinkingBudget: -1 });
    expect(thinking({ includeThoughts: true }, "gemini-3-flash-preview")).toEqual({ includeThoughts: true });
    expect(geminiRequestBody(call(user, { options: { reasoning: { effort: "high" } } }), "my-alias", "level").generationConfig).toEqual({ thinkingConfig: { thinkingLevel: "HIGH" } });
  });
});

describe("same-dialect passthrough", () => {
  const extensions = {
    gemini: {
      safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
      cachedContent: "cachedContents/abc",
      tools: [{ googleSearch: {} }],
      toolConfig: { retrievalConfig: { languageCode: "en" } },
      generationConfig: { responseModalities: ["TEXT"], mediaResolution: "MEDIA_RESOLUTION_LOW" },
      responseMimeType: "text/x.enum",
      responseSchema: { type: "STRING", enum: ["a", "b"] },
    },
  };
  const tools = [{ name: "f", parameters: { type: "object" }, extensions: { gemini: { behavior: "NON_BLOCKING" } } }];

  test("a Gemini client's own fields reach a Gemini upstream where Gemini expects them", () => {
    const result = body(call([{ role: "user", parts: [{ type: "text", text: "x" }] }], { sourceDialect: "gemini", extensions, tools, toolChoice: { type: "auto" } }));
    expect(result.safetySettings).toEqual(extensions.gemini.safetySettings);
    expect(result.cachedContent).toBe("cachedContents/abc");
    expect(result.tools).toEqual([{ functionDeclarations: [{ behavior: "NON_BLOCKING", name: "f", parametersJsonSchema: { type: "object" } }] }, { googleSearch: {} }]);
    expect(result.toolConfig).toEqual({ retrievalConfig: { languageCode: "en" }, functionCallingConfig: { mode: "AUTO" } });
    expect(result.generationConfig).toEqual({ responseModalities: ["TEXT"], mediaResolution: "MEDIA_RESOLUTION_LOW", responseMimeType: "text/x.enum", responseSchema: { type: "STRING", enum: ["a", "b"] } });
  });

  test("the same fields from another dialect's call stay out", () => {
    const result = body(call([{ role: "user", parts: [{ type: "text", text: "x" }] }], { sourceDialect: "openai-chat", extensions }));
    expect(Object.keys(result).sort()).toEqual(["contents"]);
  });
});

describe("settings Gemini cannot honour", () => {
  const user: Message[] = [{ role: "user", parts: [{ type: "text", text: "x" }] }];
  const tools = [{ name: "f", parameters: { type: "object" } }];

  test("are reported as warnings, not dropped in silence", () => {
    expect(geminiRequestWarnings(call(user, { tools, options: { parallelToolCalls: false } }), "gemini-2.5-flash", "auto").map((warning) => warning.code)).toEqual(["unsupported_option"]);
    expect(geminiRequestWarnings(call(user, { options: { reasoning: { effort: "none", enabled: false } } }), "gemini-3-flash-preview", "auto")[0]!.message).toContain("cannot switch thinking off");
    expect(geminiRequestWarnings(call(user, { options: { reasoning: { enabled: false } } }), "gemini-2.5-pro", "auto")).toHaveLength(1);
    expect(geminiRequestWarnings(call(user, { options: { reasoning: { enabled: false } } }), "gemini-2.5-flash", "auto")).toEqual([]);
    expect(geminiRequestWarnings(call(user, { tools, options: { parallelToolCalls: true } }), "gemini-2.5-flash", "auto")).toEqual([]);
  });

  test("a request for a reasoning summary asks Gemini for its thought summaries", () => {
    expect(body(call(user, { options: { reasoning: { effort: "low", summary: "auto" } } }), "gemini-3-flash-preview").generationConfig).toEqual({ thinkingConfig: { thinkingLevel: "LOW", includeThoughts: true } });
  });
});

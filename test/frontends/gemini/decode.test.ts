import { describe, expect, test } from "bun:test";
import type { CanonicalCall } from "../../../src/core/model/call.ts";
import { encodeThoughtSignature } from "../../../src/frontends/gemini/signature.ts";
import { decode, decodeError, fixtureJson, userText } from "./helpers.ts";

describe("gemini decode: fixtures", () => {
  test("a Gemini CLI turn (system, 8 tools, thinking, signed call history) decodes to the expected call", () => {
    const call = decode(fixtureJson("gemini-cli-request.json"), {
      model: "gemini-3-pro-preview",
      path: "/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse",
    });
    expect(call).toEqual(fixtureJson<CanonicalCall>("gemini-cli-request.canonical.json"));
    expect(call.tools).toHaveLength(8);
  });

  test("a routing-classifier call (JSON mime type + OpenAPI responseSchema) decodes to a json_schema format", () => {
    const call = decode(fixtureJson("routing-classifier-request.json"), { model: "gemini-2.5-flash-lite" });
    expect(call).toEqual(fixtureJson<CanonicalCall>("routing-classifier-request.canonical.json"));
  });

  test("Gemini CLI 0.61's classifier call (upper-case OpenAPI types inside responseJsonSchema) gets a valid JSON Schema", () => {
    const call = decode(fixtureJson("routing-classifier-cli-0.61-request.json"), { model: "gemini-3.5-flash-lite" });
    expect(call).toEqual(fixtureJson<CanonicalCall>("routing-classifier-cli-0.61-request.canonical.json"));
  });
});

describe("gemini decode: path, roles and parts", () => {
  test("the model comes from the path, with or without models/, and only :streamGenerateContent streams", () => {
    const body = { contents: [userText("hi")] };
    expect(decode(body, { model: "models/gemini-2.5-pro" }).model).toBe("gemini-2.5-pro");
    expect(decode(body, { model: "stub:stub-default" }).model).toBe("stub:stub-default");
    expect(decode(body).stream).toBe(false);
    expect(decode(body, { path: "/v1/models/gemini-2.5-pro:streamGenerateContent" }).stream).toBe(true);
  });

  test("a content without role is the user's; model is the assistant; other roles are refused by field", () => {
    const call = decode({ contents: [{ parts: [{ text: "a" }] }, { role: "model", parts: [{ text: "b" }] }] });
    expect(call.messages.map((message) => message.role)).toEqual(["user", "assistant"]);
    const error = decodeError({ contents: [{ role: "system", parts: [{ text: "x" }] }] });
    expect(error.error.status).toBe(400);
    expect(error.error.param).toBe("contents[0].role");
  });

  test("inlineData images become image parts, other inline data files, fileData URL sources", () => {
    const call = decode({
      contents: [
        {
          role: "user",
          parts: [
            { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
            { inlineData: { mimeType: "application/pdf", data: "JVBERi0=", displayName: "spec.pdf" } },
            { fileData: { mimeType: "video/mp4", fileUri: "https://generativelanguage.googleapis.com/v1beta/files/abc" } },
            { fileData: { mimeType: "image/jpeg", fileUri: "gs://bucket/cat.jpg" } },
          ],
        },
      ],
    });
    expect(call.messages[0]!.parts).toEqual([
      { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" } },
      { type: "file", source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0=" }, filename: "spec.pdf" },
      { type: "file", source: { kind: "url", url: "https://generativelanguage.googleapis.com/v1beta/files/abc", mediaType: "video/mp4" } },
      { type: "image", source: { kind: "url", url: "gs://bucket/cat.jpg", mediaType: "image/jpeg" } },
    ]);
  });

  test("snake_case field names (the REST docs' curl style) are read like camelCase ones", () => {
    const call = decode({
      system_instruction: { parts: [{ text: "be brief" }] },
      contents: [{ role: "user", parts: [{ inline_data: { mime_type: "image/webp", data: "UklGR" } }, { text: "what is it?" }] }],
      tools: [{ function_declarations: [{ name: "lookup", parameters_json_schema: { type: "object", properties: { file_path: { type: "string" } } } }] }],
      tool_config: { function_calling_config: { mode: "ANY", allowed_function_names: ["lookup"] } },
      generation_config: { max_output_tokens: 64, stop_sequences: ["END"], thinking_config: { thinking_budget: 0 } },
    });
    expect(call.messages[0]).toEqual({ role: "system", parts: [{ type: "text", text: "be brief" }] });
    expect(call.messages[1]!.parts[0]).toEqual({ type: "image", source: { kind: "base64", mediaType: "image/webp", data: "UklGR" } });
    expect(call.tools[0]!.parameters).toEqual({ type: "object", properties: { file_path: { type: "string" } } });
    expect(call.toolChoice).toEqual({ type: "named", name: "lookup" });
    expect(call.options).toEqual({ maxOutputTokens: 64, stop: ["END"], reasoning: { enabled: false } });
  });

  test("a functionResponse in a model turn, a functionCall in a user turn, empty and unknown parts are 400s naming the part", () => {
    expect(decodeError({ contents: [{ role: "model", parts: [{ functionResponse: { name: "f", response: {} } }] }] }).error.param).toBe("contents[0].parts[0]");
    expect(decodeError({ contents: [{ role: "user", parts: [{ functionCall: { name: "f", args: {} } }] }] }).error.param).toBe("contents[0].parts[0]");
    expect(decodeError({ contents: [{ role: "user", parts: [] }] }).error.param).toBe("contents[0].parts");
    expect(decodeError({ contents: [{ role: "user", parts: [{ videoMetadata: {} }] }] }).error.message).toContain("contents[0].parts[0]: unknown part");
    expect(decodeError({ contents: [{ role: "model", parts: [{ functionCall: { args: {} } }] }] }).error.message).toBe(
      "contents[0].parts[0].functionCall.name: expected string, got undefined",
    );
    expect(decodeError({ contents: [] }).error.param).toBe("contents");
    expect(decodeError({ systemInstruction: { parts: [{ inlineData: { mimeType: "image/png", data: "x" } }] }, contents: [userText("x")] }).error.param).toBe(
      "systemInstruction.parts[0]",
    );
  });

  test("code execution parts are carried as text with the original part kept for a Gemini backend", () => {
    const call = decode({
      contents: [
        userText("compute"),
        {
          role: "model",
          parts: [
            { executableCode: { language: "PYTHON", code: "print(1+1)" } },
            { codeExecutionResult: { outcome: "OUTCOME_OK", output: "2\n" } },
          ],
        },
      ],
    });
    expect(call.messages[1]!.parts).toEqual([
      { type: "text", text: "```python\nprint(1+1)\n```", extensions: { gemini: { part: { executableCode: { language: "PYTHON", code: "print(1+1)" } } } } },
      { type: "text", text: "code execution result (OUTCOME_OK):\n2\n", extensions: { gemini: { part: { codeExecutionResult: { outcome: "OUTCOME_OK", output: "2\n" } } } } },
    ]);
  });

  test("empty unsigned text parts (a stream's closing element) are dropped; a content left empty is skipped", () => {
    const call = decode({
      contents: [
        { role: "user", parts: [{ text: "hi" }, { text: "" }] },
        { role: "model", parts: [{ text: "" }] },
        { role: "model", parts: [{ text: "hello" }, { text: "" }, { text: "", thoughtSignature: "sig" }] },
      ],
    });
    expect(call.messages).toEqual([
      { role: "user", parts: [{ type: "text", text: "hi" }] },
      { role: "assistant", parts: [{ type: "text", text: "hello" }, { type: "text", text: "", signature: { dialect: "gemini", value: "sig" } }] },
    ]);
  });

  test("part modifiers (mediaResolution, videoMetadata) ride in the part's extensions", () => {
    const call = decode({ contents: [{ role: "user", parts: [{ fileData: { mimeType: "video/mp4", fileUri: "gs://b/v.mp4" }, videoMetadata: { startOffset: "1s" } }] }] });
    expect(call.messages[0]!.parts[0]!.extensions).toEqual({ gemini: { videoMetadata: { startOffset: "1s" } } });
  });
});

describe("gemini decode: function calls and results", () => {
  const calls = (first: string, second: string) => ({
    role: "model",
    parts: [{ functionCall: { name: first, args: { n: 1 } } }, { functionCall: { name: second, args: { n: 2 } } }],
  });

  test("calls without ids get positional ids; results without ids take them by name and order", () => {
    const call = decode({
      contents: [
        userText("go"),
        calls("search", "search"),
        { role: "user", parts: [{ functionResponse: { name: "search", response: { hits: 1 } } }, { functionResponse: { name: "search", response: { hits: 2 } } }] },
      ],
    });
    const ids = call.messages[1]!.parts.map((part) => (part.type === "tool_call" ? part.id : ""));
    expect(ids).toEqual(["gemini_call_1_0", "gemini_call_1_1"]);
    expect(call.messages.slice(2).map((message) => message.parts[0])).toEqual([
      { type: "tool_result", callId: "gemini_call_1_0", name: "search", content: [{ type: "text", text: '{"hits":1}' }] },
      { type: "tool_result", callId: "gemini_call_1_1", name: "search", content: [{ type: "text", text: '{"hits":2}' }] },
    ]);
  });

  test("minted ids are stable when the history grows by a turn", () => {
    const history = [userText("go"), calls("a", "b"), { role: "user", parts: [{ functionResponse: { name: "b", response: {} } }, { functionResponse: { name: "a", response: {} } }] }];
    const first = decode({ contents: history });
    const second = decode({ contents: [...history, { role: "model", parts: [{ text: "done" }] }, userText("again")] });
    expect(second.messages.slice(0, 4)).toEqual(first.messages);
    // Answered out of order, matched by name.
    expect(first.messages[2]!.parts[0]).toMatchObject({ callId: "gemini_call_1_1", name: "b" });
    expect(first.messages[3]!.parts[0]).toMatchObject({ callId: "gemini_call_1_0", name: "a" });
  });

  test("explicit ids pair by id, even when results come in another order", () => {
    const call = decode({
      contents: [
        userText("go"),
        { role: "model", parts: [{ functionCall: { id: "c1", name: "f", args: {} } }, { functionCall: { id: "c2", name: "f", args: {} } }] },
        { role: "user", parts: [{ functionResponse: { id: "c2", name: "f", response: {} } }, { functionResponse: { id: "c1", name: "f", response: {} } }] },
      ],
    });
    expect(call.messages.slice(2).map((message) => (message.parts[0]!.type === "tool_result" ? message.parts[0]!.callId : ""))).toEqual(["c2", "c1"]);
  });

  test("a result for no known call keeps its own id, or gets a positional one", () => {
    const call = decode({
      contents: [{ role: "user", parts: [{ functionResponse: { id: "x9", name: "f", response: {} } }, { functionResponse: { name: "g", response: {} } }] }],
    });
    expect(call.messages.map((message) => (message.parts[0]!.type === "tool_result" ? message.parts[0]!.callId : ""))).toEqual(["x9", "gemini_result_0_1"]);
  });

  test("calls left unanswered before a later model turn are not matched to newer results", () => {
    const call = decode({
      contents: [
        userText("go"),
        { role: "model", parts: [{ functionCall: { name: "f", args: {} } }] },
        userText("never mind"),
        { role: "model", parts: [{ functionCall: { name: "f", args: {} } }] },
        { role: "user", parts: [{ functionResponse: { name: "f", response: {} } }] },
      ],
    });
    expect(call.messages[4]!.parts[0]).toMatchObject({ type: "tool_result", callId: "gemini_call_3_0" });
  });

  test("response.error marks the result as an error; text and media around results keep their order", () => {
    const call = decode({
      contents: [
        userText("go"),
        { role: "model", parts: [{ functionCall: { name: "shot", args: {} } }] },
        {
          role: "user",
          parts: [
            { text: "before" },
            { functionResponse: { name: "shot", response: { error: "camera offline" }, parts: [{ inlineData: { mimeType: "image/png", data: "AAAA" } }] } },
            { text: "after" },
          ],
        },
      ],
    });
    expect(call.messages.slice(2)).toEqual([
      { role: "user", parts: [{ type: "text", text: "before" }] },
      {
        role: "tool",
        parts: [
          {
            type: "tool_result",
            callId: "gemini_call_1_0",
            name: "shot",
            content: [{ type: "text", text: '{"error":"camera offline"}' }, { type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAAA" } }],
            isError: true,
          },
        ],
      },
      { role: "user", parts: [{ type: "text", text: "after" }] },
    ]);
  });

  test("functionCall args become JSON text; missing args are an empty object", () => {
    const call = decode({ contents: [userText("go"), { role: "model", parts: [{ functionCall: { name: "f", args: { q: "ü", n: [1, 2] } } }, { functionCall: { name: "g" } }] }] });
    expect(call.messages[1]!.parts.map((part) => (part.type === "tool_call" ? part.arguments : ""))).toEqual(['{"q":"ü","n":[1,2]}', "{}"]);
  });
});

describe("gemini decode: thoughts and signatures", () => {
  test("thought parts are reasoning; thoughtSignature on any part is a gemini signature on that part", () => {
    const call = decode({
      contents: [
        userText("go"),
        {
          role: "model",
          parts: [
            { text: "thinking", thought: true, thoughtSignature: "sig-thought" },
            { text: "answer", thoughtSignature: "sig-text" },
            { functionCall: { name: "f", args: {} }, thoughtSignature: "sig-call" },
            { text: "", thoughtSignature: "sig-empty" },
          ],
        },
      ],
    });
    expect(call.messages[1]!.parts).toEqual([
      { type: "reasoning", text: "thinking", kind: "thinking", signature: { dialect: "gemini", value: "sig-thought" } },
      { type: "text", text: "answer", signature: { dialect: "gemini", value: "sig-text" } },
      { type: "tool_call", id: "gemini_call_1_2", name: "f", arguments: "{}", signature: { dialect: "gemini", value: "sig-call" } },
      { type: "text", text: "", signature: { dialect: "gemini", value: "sig-empty" } },
    ]);
  });

  test("streamed thought parts merge into the signed part that closes them, but never into a Gemini-signed one", () => {
    const foreign = encodeThoughtSignature({ signature: { dialect: "anthropic", value: "EqQB" } })!;
    const call = decode({
      contents: [
        userText("go"),
        { role: "model", parts: [{ text: "a", thought: true }, { text: "b", thought: true }, { text: "c", thought: true, thoughtSignature: foreign }, { text: "ok" }] },
        userText("more"),
        { role: "model", parts: [{ text: "x", thought: true }, { text: "y", thought: true, thoughtSignature: "gem" }, { text: "ok" }] },
      ],
    });
    expect(call.messages[1]!.parts[0]).toEqual({ type: "reasoning", text: "abc", kind: "thinking", signature: { dialect: "anthropic", value: "EqQB" } });
    expect(call.messages[3]!.parts.slice(0, 2)).toEqual([
      { type: "reasoning", text: "x", kind: "thinking" },
      { type: "reasoning", text: "y", kind: "thinking", signature: { dialect: "gemini", value: "gem" } },
    ]);
  });

  test("a streamed foreign summary comes back whole: its envelope, on the last part only, names the block's kind", () => {
    const envelope = encodeThoughtSignature({ opaque: { dialect: "openai-responses", value: "gAAAAB" }, kind: "summary" })!;
    const call = decode({
      contents: [userText("go"), { role: "model", parts: [{ text: "Two plus two", thought: true }, { text: " is four.", thought: true, thoughtSignature: envelope }, { text: "4" }] }],
    });
    expect(call.messages[1]!.parts[0]).toEqual({ type: "reasoning", text: "Two plus two is four.", kind: "summary", opaque: { dialect: "openai-responses", value: "gAAAAB" } });
  });

  test("a foreign signature envelope restores signature, opaque payload, summary kind and item id", () => {
    const envelope = encodeThoughtSignature({
      opaque: { dialect: "openai-responses", value: "gAAAAB" },
      kind: "summary",
      id: "rs_123",
    })!;
    const call = decode({ contents: [userText("go"), { role: "model", parts: [{ text: "summary text", thought: true, thoughtSignature: envelope }, { text: "ok" }] }] });
    expect(call.messages[1]!.parts[0]).toEqual({ type: "reasoning", text: "summary text", kind: "summary", opaque: { dialect: "openai-responses", value: "gAAAAB" }, id: "rs_123" });
  });

  test("reasoning carried on a functionCall comes back when the client dropped the thought parts, and only once", () => {
    const carried = { text: "plan", kind: "thinking" as const, signature: { dialect: "anthropic", value: "EqQB" } };
    const signature = encodeThoughtSignature({ reasoning: [carried] })!;
    const dropped = decode({ contents: [userText("go"), { role: "model", parts: [{ text: "Let me look." }, { functionCall: { name: "f", args: {} }, thoughtSignature: signature }] }] });
    expect(dropped.messages[1]!.parts).toEqual([
      { type: "reasoning", text: "plan", kind: "thinking", signature: { dialect: "anthropic", value: "EqQB" } },
      { type: "text", text: "Let me look." },
      { type: "tool_call", id: "gemini_call_1_1", name: "f", arguments: "{}" },
    ]);
    const kept = decode({
      contents: [
        userText("go"),
        {
          role: "model",
          parts: [
            { text: "plan", thought: true, thoughtSignature: encodeThoughtSignature({ signature: carried.signature }) },
            { functionCall: { name: "f", args: {} }, thoughtSignature: signature },
          ],
        },
      ],
    });
    expect(kept.messages[1]!.parts.filter((part) => part.type === "reasoning")).toHaveLength(1);
  });

  test("a damaged envelope is handed on as a Gemini signature, not lost", () => {
    const call = decode({ contents: [userText("go"), { role: "model", parts: [{ text: "t", thoughtSignature: "bGlwc3Rkc2ln!!!" }] }] });
    expect(call.messages[1]!.parts[0]).toEqual({ type: "text", text: "t", signature: { dialect: "gemini", value: "bGlwc3Rkc2ln!!!" } });
  });
});

describe("gemini decode: tools, tool config and generation config", () => {
  const tools = [{ functionDeclarations: [{ name: "a" }, { name: "b", description: "B", behavior: "NON_BLOCKING" }] }];

  test("declarations without parameters get an empty object schema; extra declaration fields ride along", () => {
    const call = decode({ contents: [userText("x")], tools });
    expect(call.tools).toEqual([
      { name: "a", parameters: { type: "object", properties: {} } },
      { name: "b", description: "B", parameters: { type: "object", properties: {} }, extensions: { gemini: { behavior: "NON_BLOCKING" } } },
    ]);
  });

  test("OpenAPI parameters become JSON Schema; property names are left as written", () => {
    const call = decode({
      contents: [userText("x")],
      tools: [
        {
          functionDeclarations: [
            {
              name: "f",
              parameters: {
                type: "OBJECT",
                properties: {
                  file_path: { type: "STRING", format: "uri" },
                  tags: { type: "ARRAY", items: { type: "STRING" }, max_items: "5", minItems: "1" },
                  mode: { any_of: [{ type: "STRING" }, { type: "INTEGER" }], nullable: true },
                  when: { type: "STRING", example: "today" },
                },
                required: ["file_path"],
                property_ordering: ["file_path", "tags"],
              },
            },
          ],
        },
      ],
    });
    expect(call.tools[0]!.parameters).toEqual({
      type: "object",
      properties: {
        file_path: { type: "string", format: "uri" },
        tags: { type: "array", items: { type: "string" }, maxItems: 5, minItems: 1 },
        mode: { anyOf: [{ type: "string" }, { type: "integer" }, { type: "null" }] },
        when: { type: "string", examples: ["today"] },
      },
      required: ["file_path"],
    });
  });

  test("upper-case type names in parametersJsonSchema are lowered; property names and enum values are not", () => {
    const call = decode({
      contents: [userText("x")],
      tools: [
        {
          functionDeclarations: [
            {
              name: "f",
              parametersJsonSchema: {
                type: "OBJECT",
                properties: { type: { type: "STRING", enum: ["FILE", "DIR"] }, list: { type: ["ARRAY", "NULL"], items: { anyOf: [{ type: "NUMBER" }] } } },
                $defs: { node: { type: "OBJECT", additionalProperties: { type: "BOOLEAN" } } },
              },
            },
          ],
        },
      ],
    });
    expect(call.tools[0]!.parameters).toEqual({
      type: "object",
      properties: { type: { type: "string", enum: ["FILE", "DIR"] }, list: { type: ["array", "null"], items: { anyOf: [{ type: "number" }] } } },
      $defs: { node: { type: "object", additionalProperties: { type: "boolean" } } },
    });
  });

  test("built-in tools are dropped from the canonical tools, kept in extensions, and logged", () => {
    const logs: unknown[][] = [];
    const call = decode({ contents: [userText("x")], tools: [{ googleSearch: {} }, { codeExecution: {} }, ...tools] }, { logs });
    expect(call.tools.map((tool) => tool.name)).toEqual(["a", "b"]);
    expect(call.extensions.gemini).toEqual({ tools: [{ googleSearch: {} }, { codeExecution: {} }] });
    expect(logs[0]![0]).toBe("warn");
    expect(JSON.stringify(logs[0]![2])).toContain("googleSearch");
  });

  const choice = (functionCallingConfig: unknown) => decode({ contents: [userText("x")], tools, toolConfig: { functionCallingConfig } });

  test("functionCallingConfig modes map to tool choices", () => {
    expect(choice({ mode: "AUTO" }).toolChoice).toEqual({ type: "auto" });
    expect(choice({ mode: "NONE" }).toolChoice).toEqual({ type: "none" });
    expect(choice({ mode: "ANY" }).toolChoice).toEqual({ type: "required" });
    expect(choice({ mode: "ANY", allowedFunctionNames: ["b"] }).toolChoice).toEqual({ type: "named", name: "b" });
    const several = choice({ mode: "ANY", allowedFunctionNames: ["a", "b"] });
    expect(several.toolChoice).toEqual({ type: "required" });
    expect(several.extensions.gemini).toEqual({ allowedFunctionNames: ["a", "b"] });
    const validated = choice({ mode: "VALIDATED" });
    expect(validated.toolChoice).toEqual({ type: "auto" });
    expect(validated.extensions.gemini).toEqual({ functionCallingMode: "VALIDATED" });
    expect(choice({}).toolChoice).toBeUndefined();
  });

  test("unknown modes and unknown allowed names are 400s naming the field", () => {
    expect(decodeError({ contents: [userText("x")], tools, toolConfig: { functionCallingConfig: { mode: "SOMETIMES" } } }).error.param).toBe(
      "toolConfig.functionCallingConfig.mode",
    );
    const error = decodeError({ contents: [userText("x")], tools, toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["zzz"] } } });
    expect(error.error.message).toContain("no function named 'zzz'");
  });

  const options = (generationConfig: unknown): CanonicalCall => decode({ contents: [userText("x")], generationConfig });

  test("sampling, limits, stop sequences, seed and penalties map one to one", () => {
    expect(
      options({ temperature: 0.3, topP: 0.9, topK: 40, maxOutputTokens: 100, stopSequences: ["###"], seed: 7, presencePenalty: 0.5, frequencyPenalty: -0.5, candidateCount: 1 }).options,
    ).toEqual({ temperature: 0.3, topP: 0.9, topK: 40, maxOutputTokens: 100, stop: ["###"], seed: 7, presencePenalty: 0.5, frequencyPenalty: -0.5 });
  });

  test("candidateCount above 1 is a 400 on that field", () => {
    const error = decodeError({ contents: [userText("x")], generationConfig: { candidateCount: 2 } });
    expect(error.error.status).toBe(400);
    expect(error.error.param).toBe("generationConfig.candidateCount");
  });

  test("thinkingConfig: budget 0 is off, -1 adaptive, N a budget; levels are efforts", () => {
    expect(options({ thinkingConfig: { thinkingBudget: 0 } }).options.reasoning).toEqual({ enabled: false });
    expect(options({ thinkingConfig: { thinkingBudget: -1, includeThoughts: true } }).options.reasoning).toEqual({ enabled: true, adaptive: true, includeThoughts: true });
    expect(options({ thinkingConfig: { thinkingBudget: 2048 } }).options.reasoning).toEqual({ enabled: true, budgetTokens: 2048 });
    expect(options({ thinkingConfig: { thinkingLevel: "MINIMAL" } }).options.reasoning).toEqual({ effort: "minimal", enabled: true });
    expect(options({ thinkingConfig: { thinkingLevel: "low" } }).options.reasoning).toEqual({ effort: "low", enabled: true });
    expect(decodeError({ contents: [userText("x")], generationConfig: { thinkingConfig: { thinkingLevel: "EXTREME" } } }).error.param).toBe(
      "generationConfig.thinkingConfig.thinkingLevel",
    );
    expect(decodeError({ contents: [userText("x")], generationConfig: { thinkingConfig: { thinkingBudget: -2 } } }).error.param).toBe(
      "generationConfig.thinkingConfig.thinkingBudget",
    );
  });

  test("response formats: JSON without schema, JSON Schema as is, text/x.enum kept for Gemini", () => {
    expect(options({ responseMimeType: "application/json" }).options.responseFormat).toEqual({ type: "json_object" });
    const schema = { type: "object", properties: { a: { type: "integer" } }, additionalProperties: false };
    expect(options({ responseMimeType: "application/json", responseJsonSchema: schema }).options.responseFormat).toEqual({ type: "json_schema", schema });
    expect(options({ responseMimeType: "text/plain" }).options.responseFormat).toEqual({ type: "text" });
    const enumCall = options({ responseMimeType: "text/x.enum", responseSchema: { type: "STRING", enum: ["a", "b"] } });
    expect(enumCall.options.responseFormat).toBeUndefined();
    expect(enumCall.extensions.gemini).toEqual({ responseMimeType: "text/x.enum", responseSchema: { type: "STRING", enum: ["a", "b"] } });
  });

  test("safetySettings, cachedContent, labels and unmapped generation fields ride in extensions.gemini", () => {
    const call = decode({
      contents: [userText("x")],
      safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
      cachedContent: "cachedContents/abc",
      labels: { team: "infra" },
      generationConfig: { responseModalities: ["TEXT"], temperature: 1 },
    });
    expect(call.extensions.gemini).toEqual({
      safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
      cachedContent: "cachedContents/abc",
      labels: { team: "infra" },
      generationConfig: { responseModalities: ["TEXT"] },
    });
  });

  test("out-of-range and mistyped options name the field", () => {
    expect(decodeError({ contents: [userText("x")], generationConfig: { temperature: 3 } }).error.param).toBe("generationConfig.temperature");
    expect(decodeError({ contents: [userText("x")], generationConfig: { topK: 1.5 } }).error.param).toBe("generationConfig.topK");
    expect(decodeError({ contents: [userText("x")], generationConfig: "hot" }).error.param).toBe("generationConfig");
  });
});

import { describe, expect, test } from "bun:test";
import { LipError } from "../../../src/core/model/errors.ts";
import type { ReasoningPart, ToolCallPart, ToolResultPart } from "../../../src/core/model/parts.ts";
import { decodeResponsesRequest } from "../../../src/frontends/openai-responses/decode.ts";
import { wrapEnvelope } from "../../../src/frontends/openai-responses/reasoning-envelope.ts";
import { fixture } from "./helpers.ts";

function captureLog() {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  return { lines, log: (level: string, message: string, fields?: Record<string, unknown>) => lines.push({ level, message, fields }) };
}

function decodeError(body: unknown): LipError {
  try {
    decodeResponsesRequest(body);
  } catch (thrown) {
    if (thrown instanceof LipError) return thrown;
    throw thrown;
  }
  throw new Error("expected a LipError");
}

describe("decode: a Codex request", () => {
  const { lines, log } = captureLog();
  const call = decodeResponsesRequest(fixture("codex-request.json"), { log });

  test("instructions become the first system message, marked so responses can echo them", () => {
    expect(call.messages[0]).toEqual({
      role: "system",
      parts: [{ type: "text", text: "You are Codex, a coding agent running in the user's terminal." }],
      extensions: { "openai-responses": { source: "instructions" } },
    });
    expect(call.messages.slice(1, 4).map((message) => message.role)).toEqual(["developer", "user", "user"]);
  });

  test("reasoning, function_call and the later assistant message stay in order in one assistant turn", () => {
    const assistant = call.messages[4]!;
    expect(assistant.role).toBe("assistant");
    expect(assistant.parts.map((part) => part.type)).toEqual(["reasoning", "tool_call"]);
    const reasoning = assistant.parts[0] as ReasoningPart;
    expect(reasoning).toEqual({
      type: "reasoning",
      text: "**Listing repository files**\n\nI'll run ls in the workspace root.",
      kind: "summary",
      id: "rs_0a1b2c3d4e5f60718293a4b5c6d7e8f9",
      opaque: { dialect: "openai-responses", value: "gAAAAABpM0YjQ2hhbmdlZC1ieS10ZXN0LWZpeHR1cmUtbm90LXJlYWwtY2lwaGVydGV4dA==" },
    });
    const toolCall = assistant.parts[1] as ToolCallPart;
    expect(toolCall).toEqual({
      type: "tool_call",
      id: "call_Xy9Qw2Lm4Rt6",
      name: "shell_command",
      arguments: '{"command":"ls -la","workdir":"/home/user/project"}',
      extensions: { "openai-responses": { id: "fc_00112233445566778899aabbccddeeff" } },
    });
  });

  test("function_call_output is a tool message whose result names the call", () => {
    const tool = call.messages[5]!;
    expect(tool.role).toBe("tool");
    expect(tool.parts[0] as ToolResultPart).toEqual({
      type: "tool_result",
      callId: "call_Xy9Qw2Lm4Rt6",
      name: "shell_command",
      content: [{ type: "text", text: "README.md\nsrc\npackage.json\n" }],
    });
  });

  test("assistant text keeps its item id and phase for Responses backends", () => {
    expect(call.messages[6]).toEqual({
      role: "assistant",
      parts: [
        {
          type: "text",
          text: "The repository has README.md, src/ and package.json.",
          extensions: { "openai-responses": { id: "msg_ffeeddccbbaa99887766554433221100", phase: "final_answer" } },
        },
      ],
    });
    expect(call.messages[7]!.role).toBe("user");
    expect(call.messages).toHaveLength(8);
  });

  test("function tools are kept; namespace, web_search and custom tools are dropped with a warning and carried", () => {
    expect(call.tools.map((tool) => tool.name)).toEqual(["shell_command", "update_plan"]);
    expect(call.tools[0]!.strict).toBe(false);
    expect(call.tools[0]!.parameters.required).toEqual(["command"]);
    const carried = call.extensions["openai-responses"]!;
    expect((carried.hosted_tools as Array<{ type: string }>).map((tool) => tool.type)).toEqual(["namespace", "web_search", "custom"]);
    const warning = lines.find((line) => line.level === "warn");
    expect(warning?.fields?.types).toEqual(["namespace", "web_search", "custom"]);
  });

  test("options: reasoning effort and summary, encrypted include, parallel calls, tool choice, stream", () => {
    expect(call.options.reasoning).toEqual({ effort: "medium", enabled: true, summary: "auto", includeThoughts: true, includeEncrypted: true });
    expect(call.options.parallelToolCalls).toBe(true);
    expect(call.toolChoice).toEqual({ type: "auto" });
    expect(call.stream).toBe(true);
    expect(call.model).toBe("gpt-5.1-codex");
    expect(call.sourceDialect).toBe("openai-responses");
  });

  test("store: false asks for nothing kept; prompt_cache_key, client_metadata and verbosity ride in extensions", () => {
    expect(call.continuation).toBeUndefined();
    const carried = call.extensions["openai-responses"]!;
    // lipstd keeps responses itself: a client's `store` never reaches a backend.
    expect(carried.store).toBeUndefined();
    expect(carried.prompt_cache_key).toBe("019a7c3e-5b2d-7f40-9c1e-3d4f5a6b7c8d");
    expect(carried.client_metadata).toEqual({ "x-codex-installation-id": "11111111-2222-3333-4444-555555555555" });
    expect(carried.verbosity).toBe("low");
    expect(carried.include).toBeUndefined();
  });
});

describe("decode: items and content", () => {
  test("a string input is one user message", () => {
    const call = decodeResponsesRequest({ model: "m", input: "Hello" });
    expect(call.messages).toEqual([{ role: "user", parts: [{ type: "text", text: "Hello" }] }]);
    expect(call.stream).toBe(false);
  });

  test("easy messages without a type, string content, system role", () => {
    const call = decodeResponsesRequest({
      model: "m",
      input: [
        { role: "system", content: "Be brief." },
        { type: "message", role: "assistant", content: "Earlier answer." },
        { role: "user", content: "Next?" },
      ],
    });
    expect(call.messages).toEqual([
      { role: "system", parts: [{ type: "text", text: "Be brief." }] },
      { role: "assistant", parts: [{ type: "text", text: "Earlier answer." }] },
      { role: "user", parts: [{ type: "text", text: "Next?" }] },
    ]);
  });

  test("images: data URL to base64 with detail, https URL, file_id", () => {
    const call = decodeResponsesRequest({
      model: "m",
      input: [
        {
          role: "user",
          content: [
            { type: "input_text", text: "What is this?" },
            { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" },
            { type: "input_image", image_url: "https://example.com/cat.jpg", detail: "auto" },
            { type: "input_image", file_id: "file-abc" },
          ],
        },
      ],
    });
    expect(call.messages[0]!.parts).toEqual([
      { type: "text", text: "What is this?" },
      { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" }, detail: "low" },
      { type: "image", source: { kind: "url", url: "https://example.com/cat.jpg" }, detail: "auto" },
      { type: "image", source: { kind: "file_id", fileId: "file-abc" } },
    ]);
  });

  test("files: data URL, bare base64 typed by filename, file_id, file_url", () => {
    const call = decodeResponsesRequest({
      model: "m",
      input: [
        {
          role: "user",
          content: [
            { type: "input_file", file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" },
            { type: "input_file", file_data: "aGVsbG8=", filename: "notes.txt" },
            { type: "input_file", file_id: "file-xyz" },
            { type: "input_file", file_url: "https://example.com/report.pdf" },
          ],
        },
      ],
    });
    expect(call.messages[0]!.parts).toEqual([
      { type: "file", source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0=" }, filename: "a.pdf" },
      { type: "file", source: { kind: "base64", mediaType: "text/plain", data: "aGVsbG8=" }, filename: "notes.txt" },
      { type: "file", source: { kind: "file_id", fileId: "file-xyz" } },
      { type: "file", source: { kind: "url", url: "https://example.com/report.pdf" } },
    ]);
  });

  test("function_call_output with a content array keeps text and images", () => {
    const call = decodeResponsesRequest({
      model: "m",
      input: [
        { type: "function_call", call_id: "c1", name: "screenshot", arguments: "{}" },
        {
          type: "function_call_output",
          call_id: "c1",
          output: [
            { type: "input_text", text: "captured" },
            { type: "input_image", image_url: "data:image/jpeg;base64,/9j/4AAQ" },
          ],
        },
      ],
    });
    expect(call.messages[1]!.parts[0]).toEqual({
      type: "tool_result",
      callId: "c1",
      name: "screenshot",
      content: [
        { type: "text", text: "captured" },
        { type: "image", source: { kind: "base64", mediaType: "image/jpeg", data: "/9j/4AAQ" } },
      ],
    });
  });

  test("a wrapped foreign reasoning signature comes back with its exact text and dialect", () => {
    const encrypted = wrapEnvelope({ t: "exact thinking", k: "thinking", s: { dialect: "anthropic", value: "sig-123" } });
    const call = decodeResponsesRequest({
      model: "m",
      input: [
        { role: "user", content: "q" },
        // The client echoes a trimmed summary; the envelope's text wins because the signature covers it.
        { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "trimmed" }], encrypted_content: encrypted },
        { role: "assistant", content: "a" },
      ],
    });
    expect(call.messages[1]!.parts[0]).toEqual({
      type: "reasoning",
      text: "exact thinking",
      kind: "thinking",
      signature: { dialect: "anthropic", value: "sig-123" },
      id: "rs_1",
    });
  });

  test("a tool-call signature carrier attaches its signature to the function call it names", () => {
    const carrier = wrapEnvelope({ c: "call_9", s: { dialect: "gemini", value: "thought-sig" } });
    const call = decodeResponsesRequest({
      model: "m",
      input: [
        { role: "user", content: "q" },
        { type: "reasoning", id: "rs_c", summary: [], encrypted_content: carrier },
        { type: "function_call", call_id: "call_9", name: "lookup", arguments: '{"q":"x"}' },
        { type: "function_call_output", call_id: "call_9", output: "found" },
      ],
    });
    expect(call.messages[1]).toEqual({
      role: "assistant",
      parts: [{ type: "tool_call", id: "call_9", name: "lookup", arguments: '{"q":"x"}', signature: { dialect: "gemini", value: "thought-sig" } }],
    });
  });

  test("raw reasoning_text content is thinking; several summaries keep their parts in extensions", () => {
    const call = decodeResponsesRequest({
      model: "m",
      input: [
        { role: "user", content: "q" },
        { type: "reasoning", id: "rs_a", summary: [], content: [{ type: "reasoning_text", text: "step 1" }] },
        {
          type: "reasoning",
          id: "rs_b",
          summary: [
            { type: "summary_text", text: "one" },
            { type: "summary_text", text: "two" },
          ],
        },
      ],
    });
    const [thinking, summary] = call.messages[1]!.parts as ReasoningPart[];
    expect(thinking).toEqual({ type: "reasoning", text: "step 1", kind: "thinking", id: "rs_a" });
    expect(summary!.text).toBe("one\n\ntwo");
    expect(summary!.kind).toBe("summary");
    expect(summary!.extensions?.["openai-responses"]?.summary).toHaveLength(2);
  });

  test("hosted-tool history items are skipped with a warning", () => {
    const { lines, log } = captureLog();
    const call = decodeResponsesRequest(
      { model: "m", input: [{ role: "user", content: "q" }, { type: "web_search_call", id: "ws_1", status: "completed" }] },
      { log },
    );
    expect(call.messages).toHaveLength(1);
    expect(lines.some((line) => line.level === "warn" && line.fields?.type === "web_search_call")).toBe(true);
  });
});

describe("decode: options", () => {
  test("text.format json_schema, temperature, top_p, max_output_tokens, metadata, safety_identifier", () => {
    const call = decodeResponsesRequest({
      model: "m",
      input: "q",
      text: { format: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: true } },
      temperature: 0.2,
      top_p: 0.9,
      max_output_tokens: 256,
      metadata: { run: "7" },
      safety_identifier: "user-42",
    });
    expect(call.options).toEqual({
      temperature: 0.2,
      topP: 0.9,
      maxOutputTokens: 256,
      responseFormat: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: true },
      user: "user-42",
    });
    expect(call.metadata).toEqual({ run: "7" });
  });

  test("tool_choice: named function, and allowed_tools narrows the tool list", () => {
    const tools = [
      { type: "function", name: "a", parameters: { type: "object" } },
      { type: "function", name: "b", parameters: { type: "object" } },
    ];
    expect(decodeResponsesRequest({ model: "m", input: "q", tools, tool_choice: { type: "function", name: "b" } }).toolChoice).toEqual({
      type: "named",
      name: "b",
    });
    const narrowed = decodeResponsesRequest({
      model: "m",
      input: "q",
      tools,
      tool_choice: { type: "allowed_tools", mode: "required", tools: [{ type: "function", name: "a" }] },
    });
    expect(narrowed.toolChoice).toEqual({ type: "required" });
    expect(narrowed.tools.map((tool) => tool.name)).toEqual(["a"]);
  });

  test("reasoning effort none disables reasoning; other include values are carried", () => {
    const call = decodeResponsesRequest({ model: "m", input: "q", reasoning: { effort: "none" }, include: ["message.output_text.logprobs"] });
    expect(call.options.reasoning).toEqual({ effort: "none", enabled: false });
    expect(call.extensions["openai-responses"]!.include).toEqual(["message.output_text.logprobs"]);
  });
});

describe("decode: refusals name the field", () => {
  const cases: Array<[string, unknown, string]> = [
    ["previous_response_id type", { model: "m", input: "q", previous_response_id: 7 }, "previous_response_id"],
    ["store type", { model: "m", input: "q", store: "yes" }, "store"],
    ["conversation", { model: "m", input: "q", conversation: "conv_1" }, "conversation"],
    ["background", { model: "m", input: "q", background: true }, "background"],
    ["item_reference", { model: "m", input: [{ type: "item_reference", id: "msg_1" }] }, "input[0]"],
    ["unknown item type", { model: "m", input: [{ type: "bogus" }] }, "input[0].type"],
    ["bad role", { model: "m", input: [{ role: "robot", content: "x" }] }, "input[0].role"],
    ["input_audio", { model: "m", input: [{ role: "user", content: [{ type: "input_audio", input_audio: {} }] }] }, "input[0].content[0]"],
    ["tool_choice for a missing tool", { model: "m", input: "q", tool_choice: { type: "function", name: "nope" } }, "tool_choice.name"],
    ["hosted tool_choice", { model: "m", input: "q", tool_choice: { type: "web_search_preview" } }, "tool_choice.type"],
    ["temperature range", { model: "m", input: "q", temperature: 3 }, "temperature"],
    ["reasoning effort", { model: "m", input: "q", reasoning: { effort: "extreme" } }, "reasoning.effort"],
    ["text.format type", { model: "m", input: "q", text: { format: { type: "yaml" } } }, "text.format.type"],
    ["metadata values", { model: "m", input: "q", metadata: { n: 1 } }, "metadata.n"],
    ["empty input", { model: "m", input: [] }, "input"],
  ];
  for (const [name, body, param] of cases) {
    test(name, () => {
      const error = decodeError(body);
      expect(error.error.kind).toBe("invalid_request");
      expect(error.error.status).toBe(400);
      expect(error.error.param).toBe(param);
    });
  }

  test("conversation says what to do instead", () => {
    expect(decodeError({ model: "m", input: "q", conversation: "conv_1" }).message).toContain("previous_response_id");
  });
});

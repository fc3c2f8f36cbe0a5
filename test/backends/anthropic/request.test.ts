import { describe, expect, test } from "bun:test";
import { countTokensRequest, messagesRequest } from "../../../src/backends/anthropic/request.ts";
import { LipError } from "../../../src/core/model/errors.ts";
import type { CallOptions, Message, ToolChoice } from "../../../src/core/model/call.ts";
import { call, settings, user } from "./helpers.ts";

const build = (...args: Parameters<typeof call>) => messagesRequest(call(...args), "claude-sonnet-4-5", settings());

const toolTurn: Message[] = [
  user("weather in Paris and Oslo?"),
  {
    role: "assistant",
    parts: [
      { type: "text", text: "Checking." },
      { type: "tool_call", id: "call.1/a", name: "weather", arguments: '{"city":"Paris"}' },
      { type: "tool_call", id: "call_2", name: "weather", arguments: "{not json" },
    ],
  },
  { role: "tool", parts: [{ type: "tool_result", callId: "call.1/a", content: [{ type: "text", text: "18C" }] }] },
  { role: "tool", parts: [{ type: "tool_result", callId: "call_2", content: [{ type: "text", text: "boom" }], isError: true }] },
  user("and tomorrow?"),
];

describe("messages", () => {
  test("system and developer messages are hoisted into system, in order", () => {
    const { body } = build([
      { role: "system", parts: [{ type: "text", text: "Be brief." }] },
      user("hi"),
      { role: "developer", parts: [{ type: "text", text: "Answer in French." }] },
    ]);
    expect(body.system).toBe("Be brief.\n\nAnswer in French.");
    expect(body.messages).toEqual([{ role: "user", content: [{ type: "text", text: "hi" }] }]);
  });

  test("cache_control on system and content parts rides through as block fields", () => {
    const cache = { anthropic: { cache_control: { type: "ephemeral", ttl: "1h" } } };
    const { body } = build([
      { role: "system", parts: [{ type: "text", text: "long prompt", extensions: cache }] },
      { role: "user", parts: [{ type: "text", text: "doc", extensions: cache }] },
    ]);
    expect(body.system).toEqual([{ type: "text", text: "long prompt", cache_control: { type: "ephemeral", ttl: "1h" } }]);
    expect((body.messages as Array<{ content: unknown[] }>)[0]!.content[0]).toEqual({ type: "text", text: "doc", cache_control: { type: "ephemeral", ttl: "1h" } });
  });

  test("whitespace-only text is left out (Anthropic: 'text content blocks must contain non-whitespace text')", () => {
    // A Chat history as Qwen/DeepSeek-style models leave it: "\n\n" beside the tool call.
    const { body } = build([
      user("weather?"),
      { role: "assistant", parts: [{ type: "text", text: "\n\n" }, { type: "tool_call", id: "call_1", name: "weather", arguments: "{}" }] },
      { role: "tool", parts: [{ type: "tool_result", callId: "call_1", content: [{ type: "text", text: "18C" }] }] },
      { role: "user", parts: [{ type: "text", text: " " }] },
      { role: "system", parts: [{ type: "text", text: "\n" }] },
    ]);
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "weather?" }] },
      { role: "assistant", content: [{ type: "tool_use", id: "call_1", name: "weather", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1", content: "18C" }] },
    ]);
    expect(body.system).toBeUndefined();
  });

  test("a final assistant prefill loses its trailing whitespace (Anthropic: 'final assistant content cannot end with trailing whitespace')", () => {
    const { body } = build([user("JSON please"), { role: "assistant", parts: [{ type: "text", text: "Here it is:\n" }] }, { role: "assistant", parts: [{ type: "text", text: "```json\n" }] }]);
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "JSON please" }] },
      { role: "assistant", content: [{ type: "text", text: "Here it is:\n" }, { type: "text", text: "```json" }] },
    ]);
  });

  test("consecutive same-role turns are merged; empty text is left out", () => {
    const { body } = build([user("one"), user(""), user("two"), { role: "assistant", parts: [{ type: "text", text: "ok" }] }, { role: "assistant", parts: [{ type: "text", text: "more" }] }]);
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "one" }, { type: "text", text: "two" }] },
      { role: "assistant", content: [{ type: "text", text: "ok" }, { type: "text", text: "more" }] },
    ]);
  });

  test("tool messages become one user turn with every tool_result first, then the user's text", () => {
    const { body } = build(toolTurn);
    const messages = body.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>;
    expect(messages).toHaveLength(3);
    expect(messages[1]!.content).toEqual([
      { type: "text", text: "Checking." },
      { type: "tool_use", id: "call_1_a_4a712cf72080", name: "weather", input: { city: "Paris" } },
      { type: "tool_use", id: "call_2", name: "weather", input: { _raw_arguments: "{not json" } },
    ]);
    expect(messages[2]).toEqual({
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "call_1_a_4a712cf72080", content: "18C" },
        { type: "tool_result", tool_use_id: "call_2", content: "boom", is_error: true },
        { type: "text", text: "and tomorrow?" },
      ],
    });
  });

  test("results move ahead of user text that came before them in the same turn", () => {
    const { body } = build([
      ...toolTurn.slice(0, 2),
      user("(note)"),
      ...toolTurn.slice(2, 4),
    ]);
    const last = (body.messages as Array<{ content: Array<{ type: string }> }>).at(-1)!;
    expect(last.content.map((block) => block.type)).toEqual(["tool_result", "tool_result", "text"]);
  });

  test("tool results with images keep block form", () => {
    const { body } = build([
      { role: "assistant", parts: [{ type: "tool_call", id: "t1", name: "shot", arguments: "{}" }] },
      { role: "tool", parts: [{ type: "tool_result", callId: "t1", content: [{ type: "text", text: "here" }, { type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAAA" } }] }] },
    ]);
    expect((body.messages as Array<{ content: unknown[] }>)[1]!.content[0]).toEqual({
      type: "tool_result",
      tool_use_id: "t1",
      content: [{ type: "text", text: "here" }, { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } }],
    });
  });

  test("images and documents map to Anthropic sources", () => {
    const { body } = build([
      {
        role: "user",
        parts: [
          { type: "image", source: { kind: "base64", mediaType: "image/jpg", data: "JPG" } },
          { type: "image", source: { kind: "url", url: "https://example.com/a.webp" } },
          { type: "file", filename: "report.pdf", source: { kind: "base64", mediaType: "application/pdf", data: "PDF" } },
          { type: "file", source: { kind: "base64", mediaType: "text/plain", data: Buffer.from("plain words").toString("base64") } },
          { type: "file", source: { kind: "url", url: "https://example.com/b.pdf", mediaType: "application/pdf" } },
        ],
      },
    ]);
    expect((body.messages as Array<{ content: unknown[] }>)[0]!.content).toEqual([
      { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "JPG" } },
      { type: "image", source: { type: "url", url: "https://example.com/a.webp" } },
      { type: "document", title: "report.pdf", source: { type: "base64", media_type: "application/pdf", data: "PDF" } },
      { type: "document", source: { type: "text", media_type: "text/plain", data: "plain words" } },
      { type: "document", source: { type: "url", url: "https://example.com/b.pdf" } },
    ]);
  });

  test("an image type Anthropic does not take is a 400 naming the part", () => {
    const thrown = (() => {
      try {
        build([{ role: "user", parts: [{ type: "image", source: { kind: "base64", mediaType: "image/tiff", data: "x" } }] }]);
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(LipError);
    expect((thrown as LipError).error).toMatchObject({ status: 400, param: "messages[0].parts[0]" });
  });
});

describe("reasoning history", () => {
  const assistantWith = (parts: Message["parts"]): Message[] => [user("q"), { role: "assistant", parts }, user("next")];

  test("Anthropic-signed thinking and redacted thinking go back unchanged, in order", () => {
    const { body } = build(
      assistantWith([
        { type: "reasoning", text: "mull", signature: { dialect: "anthropic", value: "sig1" } },
        { type: "reasoning", text: "", opaque: { dialect: "anthropic", value: "redacted-data" } },
        { type: "text", text: "answer" },
      ]),
    );
    expect((body.messages as Array<{ content: unknown[] }>)[1]!.content).toEqual([
      { type: "thinking", thinking: "mull", signature: "sig1" },
      { type: "redacted_thinking", data: "redacted-data" },
      { type: "text", text: "answer" },
    ]);
  });

  test("foreign or unsigned reasoning is dropped; a turn left empty disappears and its neighbours merge", () => {
    const { body } = build(
      assistantWith([
        { type: "reasoning", text: "gemini thought", signature: { dialect: "gemini", value: "g" } },
        { type: "reasoning", text: "", opaque: { dialect: "openai-responses", value: "enc" } },
        { type: "reasoning", text: "plain reasoning_content" },
      ]),
    );
    expect(body.messages).toEqual([{ role: "user", content: [{ type: "text", text: "q" }, { type: "text", text: "next" }] }]);
  });

  test("a final assistant prefill loses its thinking when thinking is off", () => {
    const { body } = build([user("q"), { role: "assistant", parts: [{ type: "reasoning", text: "t", signature: { dialect: "anthropic", value: "s" } }, { type: "text", text: "Sure:" }] }]);
    expect((body.messages as Array<{ content: unknown[] }>)[1]!.content).toEqual([{ type: "text", text: "Sure:" }]);
  });
});

describe("tools", () => {
  const weather = { name: "weather", description: "Weather by city", parameters: { type: "object", properties: { city: { type: "string" } } } };

  test("tools carry input_schema and cache_control; strict only when true", () => {
    const { body } = build([user("q")], {
      tools: [weather, { name: "clock", parameters: { type: "object" }, strict: true, extensions: { anthropic: { cache_control: { type: "ephemeral" } } } }],
    });
    expect(body.tools).toEqual([
      { name: "weather", description: "Weather by city", input_schema: weather.parameters },
      { name: "clock", input_schema: { type: "object" }, strict: true, cache_control: { type: "ephemeral" } },
    ]);
  });

  test("tool_choice maps auto/required/named/none; parallelToolCalls:false disables parallel use", () => {
    const choice = (toolChoice: ToolChoice | undefined, parallelToolCalls?: boolean) =>
      build([user("q")], { tools: [weather], ...(toolChoice && { toolChoice }), options: { ...(parallelToolCalls !== undefined && { parallelToolCalls }) } }).body.tool_choice;
    expect(choice({ type: "auto" })).toEqual({ type: "auto" });
    expect(choice({ type: "required" })).toEqual({ type: "any" });
    expect(choice({ type: "named", name: "weather" }, false)).toEqual({ type: "tool", name: "weather", disable_parallel_tool_use: true });
    expect(choice({ type: "none" })).toEqual({ type: "none" });
    expect(choice(undefined, false)).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(choice(undefined)).toBeUndefined();
    expect(build([user("q")], { toolChoice: { type: "required" } }).body.tool_choice).toBeUndefined();
  });

  test("a forcing tool_choice with thinking on is downgraded to auto, with a warning", () => {
    const built = build([user("q")], { tools: [weather], toolChoice: { type: "named", name: "weather" }, options: { reasoning: { budgetTokens: 2000 } } });
    expect(built.body.tool_choice).toEqual({ type: "auto" });
    expect(built.warnings.map((warning) => warning.code)).toContain("tool_choice_downgraded");
  });
});

describe("generation options", () => {
  test("max_tokens is the client's, else the configured default", () => {
    expect(build([user("q")]).body.max_tokens).toBe(8192);
    expect(build([user("q")], { options: { maxOutputTokens: 300 } }).body.max_tokens).toBe(300);
    expect(messagesRequest(call([user("q")]), "m", settings({ default_max_tokens: 1000 })).body.max_tokens).toBe(1000);
  });

  test("stop sequences, sampling, user id and JSON schema output are mapped", () => {
    const { body, warnings } = build([user("q")], {
      options: { stop: ["END"], temperature: 0.2, topP: 0.9, topK: 40, user: "user-7", responseFormat: { type: "json_schema", name: "r", schema: { type: "object" } } },
    });
    expect(body).toMatchObject({ stop_sequences: ["END"], temperature: 0.2, top_p: 0.9, top_k: 40, metadata: { user_id: "user-7" }, output_config: { format: { type: "json_schema", schema: { type: "object" } } } });
    expect(body.stream).toBe(true);
    expect(warnings).toEqual([]);
  });

  test("json_object has no Anthropic equivalent: not sent, with a warning", () => {
    const built = build([user("q")], { options: { responseFormat: { type: "json_object" } } });
    expect(built.body.output_config).toBeUndefined();
    expect(built.warnings.map((warning) => warning.code)).toEqual(["response_format_unsupported"]);
  });

  test("API version 2026-10-21 and later: sampling parameters are left out with a warning", () => {
    const built = messagesRequest(call([user("q")], { options: { temperature: 0.5 } }), "m", settings({ anthropic_version: "2026-10-21" }));
    expect(built.body.temperature).toBeUndefined();
    expect(built.warnings.map((warning) => warning.code)).toEqual(["sampling_dropped"]);
  });
});

describe("thinking", () => {
  const thinking = (model: string, options: CallOptions) => messagesRequest(call([user("q")], { options }), model, settings());

  test("a budget becomes enabled thinking; max_tokens grows past it when the client gave none", () => {
    const built = thinking("claude-sonnet-4-5", { reasoning: { enabled: true, budgetTokens: 10000 } });
    expect(built.body.thinking).toEqual({ type: "enabled", budget_tokens: 10000 });
    expect(built.body.max_tokens).toBe(10000 + 8192);
  });

  test("budgets the API would reject are adjusted with warnings", () => {
    const low = thinking("claude-sonnet-4-5", { reasoning: { budgetTokens: 500 } });
    expect(low.body.thinking).toEqual({ type: "enabled", budget_tokens: 1024 });
    expect(low.warnings[0]!.code).toBe("thinking_budget_raised");
    const high = thinking("claude-sonnet-4-5", { maxOutputTokens: 4000, reasoning: { budgetTokens: 6000 } });
    expect(high.body).toMatchObject({ max_tokens: 4000, thinking: { type: "enabled", budget_tokens: 3999 } });
    expect(high.warnings[0]!.code).toBe("thinking_budget_clamped");
    const none = thinking("claude-sonnet-4-5", { maxOutputTokens: 500, reasoning: { budgetTokens: 2000 } });
    expect(none.body.thinking).toBeUndefined();
    expect(none.warnings[0]!.code).toBe("thinking_disabled");
  });

  test("effort goes to output_config.effort with adaptive thinking on models that take it", () => {
    expect(thinking("claude-opus-4-6", { reasoning: { effort: "high" } }).body).toMatchObject({ thinking: { type: "adaptive" }, output_config: { effort: "high" } });
    expect(thinking("claude-opus-4-6", { reasoning: { effort: "minimal", includeThoughts: true } }).body).toMatchObject({ thinking: { type: "adaptive", display: "summarized" }, output_config: { effort: "low" } });
    // Opus 4.5 takes effort but not adaptive thinking.
    expect(thinking("claude-opus-4-5", { reasoning: { effort: "low" } }).body).toMatchObject({ thinking: { type: "enabled", budget_tokens: 2048 }, output_config: { effort: "low" } });
  });

  test("effort on an older model buys a proportionate budget and no effort field", () => {
    const built = thinking("claude-sonnet-4-5", { reasoning: { effort: "high" } });
    expect(built.body.thinking).toEqual({ type: "enabled", budget_tokens: 16384 });
    expect(built.body.output_config).toBeUndefined();
  });

  test("effort none and enabled:false send thinking disabled; adaptive is honoured as asked", () => {
    expect(thinking("claude-opus-4-6", { reasoning: { effort: "none" } }).body.thinking).toEqual({ type: "disabled" });
    expect(thinking("claude-sonnet-4-5", { reasoning: { enabled: false } }).body.thinking).toEqual({ type: "disabled" });
    expect(thinking("claude-sonnet-4-5", { reasoning: { adaptive: true } }).body.thinking).toEqual({ type: "adaptive" });
  });

  test("temperature with thinking on is not sent (the API rejects it), with a warning", () => {
    const built = thinking("claude-sonnet-4-5", { temperature: 0.3, reasoning: { budgetTokens: 2000 } });
    expect(built.body.temperature).toBeUndefined();
    expect(built.warnings.map((warning) => warning.code)).toContain("sampling_dropped");
  });

  test("continuing a tool loop whose assistant turn has no Anthropic thinking turns thinking off", () => {
    const built = messagesRequest(call(toolTurn.slice(0, 4), { options: { reasoning: { budgetTokens: 2000 } } }), "claude-sonnet-4-5", settings());
    expect(built.body.thinking).toEqual({ type: "disabled" });
    expect(built.warnings.map((warning) => warning.code)).toEqual(["thinking_disabled"]);
  });

  test("adaptive thinking lets the model skip thinking, so such a tool loop keeps it", () => {
    const built = messagesRequest(call(toolTurn.slice(0, 4), { options: { reasoning: { adaptive: true } } }), "claude-opus-4-6", settings());
    expect(built.body.thinking).toEqual({ type: "adaptive" });
    expect(built.warnings).toEqual([]);
  });

  test("a tool loop whose assistant turn starts with signed thinking keeps thinking on", () => {
    const turn: Message[] = [
      user("q"),
      { role: "assistant", parts: [{ type: "reasoning", text: "plan", signature: { dialect: "anthropic", value: "sig" } }, { type: "tool_call", id: "t", name: "f", arguments: "{}" }] },
      { role: "tool", parts: [{ type: "tool_result", callId: "t", content: [{ type: "text", text: "r" }] }] },
    ];
    const built = messagesRequest(call(turn, { options: { reasoning: { budgetTokens: 2000 } } }), "claude-sonnet-4-5", settings());
    expect(built.body.thinking).toEqual({ type: "enabled", budget_tokens: 2000 });
    expect(built.warnings).toEqual([]);
  });
});

describe("same-dialect passthrough", () => {
  const extensions = {
    anthropic: {
      context_management: { edits: [{ type: "clear_tool_uses_20250919" }] },
      service_tier: "auto",
      container: "cntr_1",
      metadata: { user_id: "from-client", extra: "kept" },
      server_tools: [
        { position: 0, tool: { type: "web_search_20250305", name: "web_search", max_uses: 3 } },
        { position: 2, tool: { type: "bash_20250124", name: "bash" } },
      ],
    },
  };
  const anthropicCall = (overrides: Parameters<typeof call>[1] = {}) =>
    call([user("q")], { sourceDialect: "anthropic", extensions, tools: [{ name: "f", parameters: { type: "object" } }, { name: "g", parameters: { type: "object" } }], ...overrides });

  test("an Anthropic client's extra fields reach an Anthropic backend; server tools go back to their positions", () => {
    const { body } = messagesRequest(anthropicCall({ options: { user: "from-client" } }), "claude-sonnet-4-5", settings());
    expect(body).toMatchObject({ context_management: extensions.anthropic.context_management, service_tier: "auto", container: "cntr_1", metadata: { user_id: "from-client", extra: "kept" } });
    expect(body.server_tools).toBeUndefined();
    expect((body.tools as Array<{ name: string }>).map((tool) => tool.name)).toEqual(["web_search", "f", "bash", "g"]);
  });

  test("another dialect's call never forwards Anthropic request fields", () => {
    const { body } = build([user("q")], { sourceDialect: "openai-chat", extensions });
    expect(body.context_management).toBeUndefined();
    expect(body.tools).toBeUndefined();
  });

  test("effort alone from an Anthropic client is sent as effort without switching thinking on", () => {
    const { body } = messagesRequest(anthropicCall({ options: { reasoning: { effort: "medium" } } }), "claude-sonnet-4-5", settings());
    expect(body.output_config).toEqual({ effort: "medium" });
    expect(body.thinking).toBeUndefined();
  });

  test("carried Anthropic-only blocks (server tool use and results, search results) are re-emitted verbatim", () => {
    const serverUse = { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "x" } };
    const serverResult = { type: "web_search_tool_result", tool_use_id: "srvtoolu_1", content: [] };
    const searchResult = { type: "search_result", source: "s", title: "t", content: [{ type: "text", text: "found" }] };
    const carried = (block: Record<string, unknown>, text = "") => ({ type: "text" as const, text, extensions: { anthropic: { block } } });
    const { body } = build([
      user("q"),
      { role: "assistant", parts: [carried(serverUse), carried(serverResult), { type: "text", text: "done" }, { type: "tool_call", id: "t1", name: "f", arguments: "{}" }] },
      { role: "tool", parts: [{ type: "tool_result", callId: "t1", content: [carried(searchResult, "s\nt\nfound")] }] },
    ]);
    const messages = body.messages as Array<{ content: unknown[] }>;
    expect(messages[1]!.content.slice(0, 3)).toEqual([serverUse, serverResult, { type: "text", text: "done" }]);
    expect(messages[2]!.content).toEqual([{ type: "tool_result", tool_use_id: "t1", content: [searchResult] }]);
  });

  test("a document's original Anthropic source wins over the flattened one", () => {
    const source = { type: "content", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] };
    const { body } = build([
      { role: "user", parts: [{ type: "file", filename: "notes", source: { kind: "text", text: "a\nb", mediaType: "text/plain" }, extensions: { anthropic: { source, citations: { enabled: true } } } }] },
    ]);
    expect((body.messages as Array<{ content: unknown[] }>)[0]!.content).toEqual([{ type: "document", title: "notes", source, citations: { enabled: true } }]);
  });
});

describe("count_tokens body", () => {
  test("keeps the conversation, tools and thinking; drops generation options", () => {
    const body = countTokensRequest(
      call([{ role: "system", parts: [{ type: "text", text: "sys" }] }, user("q")], {
        tools: [{ name: "f", parameters: { type: "object" } }],
        options: { temperature: 0.1, maxOutputTokens: 8000, stop: ["x"], reasoning: { budgetTokens: 2000 } },
      }),
      "claude-sonnet-4-5",
      settings(),
    );
    expect(body).toEqual({
      model: "claude-sonnet-4-5",
      system: "sys",
      messages: [{ role: "user", content: [{ type: "text", text: "q" }] }],
      tools: [{ name: "f", input_schema: { type: "object" } }],
      thinking: { type: "enabled", budget_tokens: 2000 },
    });
  });
});

import { describe, expect, test } from "bun:test";
import { LipError } from "../../../src/core/model/errors.ts";
import { anthropicFrontend } from "../../../src/frontends/anthropic/index.ts";
import { decodeMessagesRequest } from "../../../src/frontends/anthropic/request.ts";
import { inbound, type LogLine, requestFixture } from "./fixtures.ts";

const decode = (body: unknown, lines: LogLine[] = []) => anthropicFrontend.decode(body, inbound(lines));

function rejection(body: unknown): LipError["error"] {
  try {
    decode(body);
  } catch (thrown) {
    if (thrown instanceof LipError) return thrown.error;
    throw thrown;
  }
  throw new Error("expected the request to be rejected");
}

const minimal = { model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "Hi" }] };

describe("anthropic decode: fixtures", () => {
  test("a Claude Code turn keeps system blocks, cache markers, tools, thinking, effort and round-trip fields", () => {
    const lines: LogLine[] = [];
    const body = requestFixture("claude-code-turn");
    const call = decode(body, lines);
    const tools = body.tools as Array<Record<string, unknown>>;
    expect(call).toEqual({
      model: "claude-opus-4-7",
      messages: [
        {
          role: "system",
          parts: [
            { type: "text", text: "You are Claude Code, Anthropic's official CLI for Claude." },
            {
              type: "text",
              text: "You are an interactive CLI tool that helps users with software engineering tasks.",
              extensions: { anthropic: { cache_control: { type: "ephemeral" } } },
            },
          ],
        },
        { role: "system", parts: [{ type: "text", text: "Working directory: /home/user/project. Is a git repository: true." }] },
        {
          role: "user",
          parts: [
            { type: "text", text: "<system-reminder>\nAs you answer the user's questions, you can use the following context.\n</system-reminder>" },
            { type: "text", text: "Run the test suite and fix what fails.", extensions: { anthropic: { cache_control: { type: "ephemeral", ttl: "1h" } } } },
          ],
        },
      ],
      tools: [
        { name: "Bash", description: "Executes a given bash command in a persistent shell session.", parameters: tools[0]!.input_schema as Record<string, unknown> },
        { name: "Read", description: "Reads a file from the local filesystem.", parameters: tools[1]!.input_schema as Record<string, unknown> },
        {
          name: "Edit",
          description: "Performs exact string replacements in files.",
          parameters: tools[3]!.input_schema as Record<string, unknown>,
          extensions: { anthropic: { cache_control: { type: "ephemeral" } } },
        },
      ],
      options: {
        maxOutputTokens: 64000,
        temperature: 1,
        reasoning: { enabled: true, adaptive: true, effort: "high" },
        user: '{"device_id":"5f1c0e2b9a7d","account_uuid":"","session_id":"0c7e9a52-3d1b-4f6a-9e2c-8b4d7f1a6e30"}',
      },
      stream: true,
      sourceDialect: "anthropic",
      extensions: {
        anthropic: {
          context_management: body.context_management,
          metadata: body.metadata,
          server_tools: [{ position: 2, tool: tools[2] }],
        },
      },
    });
    expect(lines.some((line) => line.level === "warn" && line.message.includes("server tools"))).toBe(true);
  });

  test("tool results become one tool message, followed by the user's text; names come from the history", () => {
    const call = decode(requestFixture("tool-result-round-trip"));
    expect(call.toolChoice).toEqual({ type: "auto" });
    expect(call.options.parallelToolCalls).toBe(false);
    expect(call.messages).toEqual([
      { role: "user", parts: [{ type: "text", text: "What's the weather and the time in San Francisco?" }] },
      {
        role: "assistant",
        parts: [
          { type: "text", text: "I'll check both for you." },
          { type: "tool_call", id: "toolu_01A09q90qw90lq917835lq9", name: "get_weather", arguments: '{"location":"San Francisco, CA"}' },
          { type: "tool_call", id: "toolu_01B19r91rx91mr928946mr0", name: "get_time", arguments: '{"timezone":"America/Los_Angeles"}' },
        ],
      },
      {
        role: "tool",
        parts: [
          { type: "tool_result", callId: "toolu_01A09q90qw90lq917835lq9", name: "get_weather", content: [{ type: "text", text: "15 degrees, sunny" }] },
          {
            type: "tool_result",
            callId: "toolu_01B19r91rx91mr928946mr0",
            name: "get_time",
            content: [{ type: "text", text: "error: time service unavailable" }],
            isError: true,
            extensions: { anthropic: { cache_control: { type: "ephemeral" } } },
          },
        ],
      },
      { role: "user", parts: [{ type: "text", text: "Please retry the time lookup once." }] },
    ]);
  });

  test("thinking and redacted_thinking history keep their signature and payload, marked as Anthropic's", () => {
    const call = decode(requestFixture("thinking-history"));
    expect(call.options.reasoning).toEqual({ enabled: true, budgetTokens: 10000, includeThoughts: true });
    expect(call.messages[1]).toEqual({
      role: "assistant",
      parts: [
        {
          type: "reasoning",
          text: "The user wants the weather in Paris. I should call get_weather.",
          kind: "thinking",
          signature: {
            dialect: "anthropic",
            value: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds2eeGPnpRbQ4eN0s7kXlqdfW0xxZ9hHAeBYJZb8mX7tGcpR0wLQ9VnKDwTz3qhFk+uJ/0b8aS7PQ2c6xPj1wR5z1i8bSe4vQm3JfY9kAbHc8=",
          },
        },
        {
          type: "reasoning",
          text: "",
          opaque: { dialect: "anthropic", value: "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB8URj2pLmN3kLa6Rqs5O5Ni" },
        },
        { type: "tool_call", id: "toolu_01CswdEQBMshySk6Y9DFKrfq", name: "get_weather", arguments: '{"location":"Paris, France"}' },
      ],
    });
    expect(call.messages[2]).toEqual({
      role: "tool",
      parts: [{ type: "tool_result", callId: "toolu_01CswdEQBMshySk6Y9DFKrfq", name: "get_weather", content: [{ type: "text", text: "Current temperature: 88°F" }] }],
    });
  });

  test("images and documents map every source kind; fields without a canonical slot stay for Anthropic", () => {
    const call = decode(requestFixture("images-documents"));
    expect(call.options).toEqual({ maxOutputTokens: 1024, topP: 0.9, topK: 40, stop: ["\n\nHuman:", "END"] });
    expect(call.messages).toHaveLength(1);
    expect(call.messages[0]!.parts).toEqual([
      { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==" } },
      { type: "image", source: { kind: "url", url: "https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg" } },
      { type: "image", source: { kind: "file_id", fileId: "file_011CNha8iCJcU1wXNR6q4V8w" } },
      {
        type: "file",
        source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+PgpzdHJlYW0K" },
        filename: "report.pdf",
        extensions: { anthropic: { cache_control: { type: "ephemeral" } } },
      },
      { type: "file", source: { kind: "url", url: "https://assets.anthropic.com/m/1cd9d098ac3e6467/original/Claude-3-Model-Card-October-Addendum.pdf", mediaType: "application/pdf" } },
      {
        type: "file",
        source: { kind: "text", text: "The grass is green. The sky is blue.", mediaType: "text/plain" },
        filename: "My Document",
        extensions: { anthropic: { context: "This is a trustworthy document.", citations: { enabled: true } } },
      },
      { type: "file", source: { kind: "file_id", fileId: "file_011CNvxoj286tYUAZFiZMf1U" } },
      {
        type: "file",
        source: { kind: "text", text: "First chunk\nSecond chunk", mediaType: "text/plain" },
        filename: "Chunked",
        extensions: { anthropic: { source: { type: "content", content: [{ type: "text", text: "First chunk" }, { type: "text", text: "Second chunk" }] } } },
      },
      { type: "text", text: "Compare these." },
    ]);
  });
});

describe("anthropic decode: options and tools", () => {
  test("tool_choice any → required, tool → named, none → none; disable_parallel_tool_use:false allows parallel calls", () => {
    const tools = [{ name: "lookup", input_schema: { type: "object" } }];
    expect(decode({ ...minimal, tools, tool_choice: { type: "any" } }).toolChoice).toEqual({ type: "required" });
    expect(decode({ ...minimal, tools, tool_choice: { type: "tool", name: "lookup" } }).toolChoice).toEqual({ type: "named", name: "lookup" });
    expect(decode({ ...minimal, tools, tool_choice: { type: "none" } }).toolChoice).toEqual({ type: "none" });
    expect(decode({ ...minimal, tools, tool_choice: { type: "auto", disable_parallel_tool_use: false } }).options.parallelToolCalls).toBe(true);
  });

  test("thinking disabled, omitted display and output_config.format map to canonical options", () => {
    expect(decode({ ...minimal, thinking: { type: "disabled" } }).options.reasoning).toEqual({ enabled: false });
    expect(decode({ ...minimal, thinking: { type: "adaptive", display: "omitted" } }).options.reasoning).toEqual({ enabled: true, adaptive: true, includeThoughts: false });
    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false };
    const call = decode({ ...minimal, output_config: { format: { type: "json_schema", schema } } });
    expect(call.options.responseFormat).toEqual({ type: "json_schema", schema });
    expect(call.extensions).toEqual({});
  });

  test("unmapped top-level fields ride in extensions.anthropic; anthropic headers are not required", () => {
    const call = decode({ ...minimal, service_tier: "standard_only", container: "container_011CR", mcp_servers: [{ type: "url", url: "https://mcp.example.com/sse", name: "example" }], inference_geo: "us" });
    expect(call.extensions.anthropic).toEqual({
      service_tier: "standard_only",
      container: "container_011CR",
      mcp_servers: [{ type: "url", url: "https://mcp.example.com/sse", name: "example" }],
      inference_geo: "us",
    });
  });

  test("server-side blocks in history travel verbatim for Anthropic, as parts with no text for others", () => {
    const serverUse = { type: "server_tool_use", id: "srvtoolu_01WYG3ziw53XMcoyKL4XcZmE", name: "web_search", input: { query: "claude shannon birth date" } };
    const searchResult = { type: "web_search_tool_result", tool_use_id: "srvtoolu_01WYG3ziw53XMcoyKL4XcZmE", content: [{ type: "web_search_result", url: "https://en.wikipedia.org/wiki/Claude_Shannon", title: "Claude Shannon", encrypted_content: "EqgfCioIARgBIiQ3YTAwMjY1Mi1mZjM5LTQ1NGUtODgxNC1kNjNjNTk1ZWI3Y" }] };
    const call = decode({ ...minimal, messages: [{ role: "user", content: "When was Claude Shannon born?" }, { role: "assistant", content: [serverUse, searchResult, { type: "text", text: "April 30, 1916." }] }] });
    expect(call.messages[1]!.parts).toEqual([
      { type: "text", text: "", extensions: { anthropic: { block: serverUse } } },
      { type: "text", text: "", extensions: { anthropic: { block: searchResult } } },
      { type: "text", text: "April 30, 1916." },
    ]);
  });

  test("count_tokens bodies need no max_tokens", () => {
    const call = decodeMessagesRequest({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "Hi" }] }, { requireMaxTokens: false, log: () => {} });
    expect(call.options.maxOutputTokens).toBeUndefined();
  });
});

describe("anthropic decode: rejections name the field", () => {
  test("max_tokens is required on /v1/messages", () => {
    const error = rejection({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "Hi" }] });
    expect(error).toMatchObject({ kind: "invalid_request", status: 400, param: "max_tokens" });
    expect(error.message).toContain("max_tokens");
  });

  test.each([
    ["a tool_use in a user message", { ...minimal, messages: [{ role: "user", content: [{ type: "tool_use", id: "t", name: "x", input: {} }] }] }, "messages[0].content[0].type"],
    ["a tool_result in an assistant message", { ...minimal, messages: [{ role: "assistant", content: [{ type: "tool_result", tool_use_id: "t" }] }] }, "messages[0].content[0].type"],
    ["an unknown block type", { ...minimal, messages: [{ role: "user", content: [{ type: "audio", data: "" }] }] }, "messages[0].content[0].type"],
    ["an unknown role", { ...minimal, messages: [{ role: "tool", content: "x" }] }, "messages[0].role"],
    ["a base64 image without data", { ...minimal, messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png" } }] }] }, "messages[0].content[0].source.data"],
    ["enabled thinking without a budget", { ...minimal, thinking: { type: "enabled" } }, "thinking.budget_tokens"],
    ["a tool_choice naming no tool", { ...minimal, tool_choice: { type: "tool", name: "missing" } }, "tool_choice.name"],
    ["an unknown tool_choice", { ...minimal, tool_choice: { type: "required" } }, "tool_choice.type"],
    ["temperature above 1", { ...minimal, temperature: 1.5 }, "temperature"],
    ["a custom tool without input_schema", { ...minimal, tools: [{ name: "x" }] }, "tools[0].input_schema"],
    ["an unknown effort", { ...minimal, output_config: { effort: "extreme" } }, "output_config.effort"],
    ["no messages", { ...minimal, messages: [] }, "messages"],
    ["non-text system blocks", { ...minimal, system: [{ type: "image", source: {} }] }, "system[0].type"],
  ])("%s", (_name, body, param) => {
    const error = rejection(body);
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message).toContain(param);
  });
});

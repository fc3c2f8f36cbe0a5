import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { CanonicalEvent } from "../../src/core/model/events.ts";
import { LipError } from "../../src/core/model/errors.ts";
import type { FeatureDefinition } from "../../src/core/pipeline/feature-definition.ts";
import { Pipeline, type RequestContext } from "../../src/core/pipeline/pipeline.ts";
import { stageDefinitions } from "../../src/core/pipeline/stages.ts";
import * as registry from "../../src/registry.ts";
import { testConfig } from "../helpers/config.ts";
import { startLipstd, type TestServer } from "../helpers/lipstd.ts";
import { Type } from "typebox";

function context(): RequestContext {
  return {
    call: { model: "m", messages: [], tools: [], options: {}, stream: false, sourceDialect: "test", extensions: {} },
    headers: new Headers(),
    dialect: "test",
    state: new Map(),
    log: () => {},
  };
}

describe("stage list", () => {
  test("has the reference's 16 stages in order with fail-closed where the reference says", () => {
    expect(stageDefinitions.map((stage) => stage.name)).toEqual([
      "transport_authentication", "session_open", "secret_guard", "submit_request", "tool_catalog_filter",
      "request_wide_shaping", "pre_request_admission", "route_hinting", "candidate_attempt_transform",
      "attempt_lifecycle", "stream_event_mutation", "tool_event_reaction", "completion_gating",
      "final_stream_observation", "traffic_observation", "egress_encoding",
    ]);
    expect(stageDefinitions.filter((stage) => stage.policy === "closed").map((stage) => stage.name)).toEqual([
      "transport_authentication", "secret_guard", "egress_encoding",
    ]);
  });
});

describe("pipeline failure policies", () => {
  test("a throwing fail-open handler is skipped and later handlers still run", async () => {
    const ran: string[] = [];
    const pipeline = new Pipeline([
      { name: "broken", handlers: { submit_request: () => { throw new Error("boom"); } } },
      { name: "after", handlers: { submit_request: () => { ran.push("after"); } } },
    ]);
    await pipeline.runRequestStages(context());
    expect(ran).toEqual(["after"]);
  });

  test("a throwing fail-closed handler fails the request with internal error, or its own LipError", async () => {
    const crash = new Pipeline([{ name: "crash", handlers: { secret_guard: () => { throw new Error("boom"); } } }]);
    await expect(crash.runRequestStages(context())).rejects.toThrow("internal error");
    const deny = new Pipeline([{ name: "auth", handlers: { transport_authentication: () => { throw new LipError("authentication", "bad token"); } } }]);
    await expect(deny.runRequestStages(context())).rejects.toThrow("bad token");
  });

  test("a feature can make a fail-open stage fail-closed", async () => {
    const pipeline = new Pipeline([{ name: "strict", handlers: { submit_request: () => { throw new Error("x"); } }, policies: { submit_request: "closed" } }]);
    await expect(pipeline.runRequestStages(context())).rejects.toThrow("internal error");
  });

  test("event stages: a throwing fail-open event handler leaves the event unchanged", () => {
    const pipeline = new Pipeline([{ name: "broken", handlers: { stream_event_mutation: () => { throw new Error("x"); } } }]);
    const event: CanonicalEvent = { type: "text_delta", index: 0, text: "hi" };
    expect(pipeline.mapEvent(event, context())).toEqual([event]);
  });

  test("no event handlers means the executor passes events through untouched", () => {
    expect(new Pipeline([]).mutatesEvents).toBe(false);
    expect(new Pipeline([{ name: "obs", handlers: { traffic_observation: () => {} } }]).mutatesEvents).toBe(false);
  });
});

describe("real features through a running lipstd", () => {
  let server: TestServer;
  let strictServer: TestServer;
  beforeAll(async () => {
    server = await startLipstd(
      testConfig([{ id: "stub", kind: "local-stub", echo: true, reasoning_text: "secret thoughts" }], {
        features: { redact_secrets: { enabled: true }, strip_reasoning: { enabled: true } },
      }),
    );
    const exploding: FeatureDefinition = {
      name: "exploding_guard",
      description: "test",
      options: Type.Object({}),
      create: () => ({ name: "exploding_guard", handlers: { secret_guard: () => { throw new Error("guard crashed"); } } }),
    };
    strictServer = await startLipstd(testConfig([{ id: "stub", kind: "local-stub", echo: true }]), {
      registry: { ...registry, features: [exploding] },
    });
  });
  afterAll(async () => {
    await server.stop();
    await strictServer.stop();
  });

  test("secret_guard: a key in the prompt never reaches the backend", async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "x" });
    const key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789";
    const response = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: `my key is ${key} ok` }] });
    expect(response.choices[0]!.message.content).toBe("my key is [REDACTED] ok");
  });

  test("stream_event_mutation: reasoning is stripped and the text still streams", async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "x" });
    const stream = await client.chat.completions.create({ model: "m", stream: true, messages: [{ role: "user", content: "hello" }] });
    let text = "";
    let reasoning = "";
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
      text += delta?.content ?? "";
      reasoning += delta?.reasoning_content ?? "";
    }
    expect(text).toBe("hello");
    expect(reasoning).toBe("");
  });

  test("a crashing fail-closed secret_guard refuses the request with 500 internal error", async () => {
    const client = new OpenAI({ baseURL: `${strictServer.url}/v1`, apiKey: "x", maxRetries: 0 });
    const failure = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.InternalServerError);
    expect((failure as Error).message).toContain("internal error");
    expect(strictServer.logs.some((line) => line.message.includes("fail-closed"))).toBe(true);
  });
});

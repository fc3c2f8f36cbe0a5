import { afterAll, beforeAll, expect, test } from "bun:test";
import { type Emulator, startEmulator } from "../emulators/openai-responses.ts";
import { testConfig } from "../helpers/config.ts";
import { postJson, startLipstd, type TestServer } from "../helpers/lipstd.ts";

let upstream: Emulator;
let server: TestServer;

beforeAll(async () => {
  upstream = startEmulator({
    script: [
      { reply: { reasoning: { summary: ["Plan: call ls."], encrypted: "gAAAA-sealed-1" }, toolCalls: [{ id: "call_ls", name: "ls", arguments: "{}" }] } },
      { reply: { text: "two files" } },
    ],
  });
  server = await startLipstd(testConfig([{ id: "oa", kind: "openai-responses", base_url: upstream.url, api_key: "sk-roundtrip-000001" }]), { env: {} });
});

afterAll(async () => {
  await server.stop();
  await upstream.stop();
});

test("a Responses client gets encrypted reasoning back and replays it to the upstream unchanged", async () => {
  const tools = [{ type: "function", name: "ls", parameters: { type: "object", properties: {} } }];
  const first = await postJson(`${server.url}/v1/responses`, { model: "gpt-5", input: "list files", tools, store: false, include: ["reasoning.encrypted_content"], instructions: "You are terse." });
  expect(first.status).toBe(200);
  const output = ((await first.json()) as { output: Array<Record<string, unknown>> }).output;
  expect(output.map((item) => item.type)).toEqual(["reasoning", "function_call"]);
  expect(output[0]!.encrypted_content).toBe("gAAAA-sealed-1");
  expect(upstream.requests[0]!.body.instructions).toBe("You are terse.");

  const input = [{ role: "user", content: "list files" }, ...output, { type: "function_call_output", call_id: "call_ls", output: "a.txt b.txt" }];
  const second = await postJson(`${server.url}/v1/responses`, { model: "gpt-5", input, tools, store: false, include: ["reasoning.encrypted_content"] });
  expect(second.status).toBe(200);
  const replayed = upstream.requests[1]!.body.input as Array<Record<string, unknown>>;
  expect(replayed.map((item) => item.type)).toEqual(["message", "reasoning", "function_call", "function_call_output"]);
  expect(replayed[1]).toEqual({ type: "reasoning", summary: [{ type: "summary_text", text: "Plan: call ls." }], encrypted_content: "gAAAA-sealed-1" });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { testConfig } from "../../helpers/config.ts";
import { startLipstd, type TestServer } from "../../helpers/lipstd.ts";
import { chainedCases, type ComplianceCase, complianceCases, type Validator } from "./compliance-cases.ts";
import { eventErrors, responseErrors } from "./spec-shapes.ts";
import { streamOrderErrors } from "./stream-order.ts";

/**
 * The OpenResponses compliance suite run against a real lipstd, the way its CLI runs it: one
 * base URL, one API key sent as `Authorization: Bearer <key>`, one model for every case. The
 * default route is a local-stub that answers with text, or with a call of the offered tool
 * when the request has tools, as a model following the prompts would.
 */
type Json = Record<string, any>;

const model = "gpt-4o-mini";
const apiKey = "test-key";
let server: TestServer;
let baseUrl: string;

beforeAll(async () => {
  server = await startLipstd(
    testConfig([
      {
        id: "stub",
        kind: "local-stub",
        text: "Ahoy there, matey! Hello, Alice: 1, 2, 3, 4, 5.",
        chunks: 5,
        call_offered_tool: true,
        tool_args: '{"location":"San Francisco, CA"}',
      },
    ]),
  );
  baseUrl = `${server.url}/v1`;
});

afterAll(async () => {
  await server.stop();
});

function send(body: Json, stream: boolean): Promise<Response> {
  return fetch(`${baseUrl}/responses`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ ...body, stream }),
  });
}

interface StreamResult {
  events: Json[];
  errors: string[];
  finalResponse: unknown;
}

/**
 * Reads the stream as the suite's parser does: line by line within each chunk read, an event
 * being its last `data:` line up to a blank line. The suite forgets a half-read event at a
 * chunk boundary, so an event split there is lost here too (and the order checks then fail).
 */
async function readStream(response: Response): Promise<StreamResult> {
  const result: StreamResult = { events: [], errors: [], finalResponse: null };
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    let data = "";
    for (const line of lines) {
      if (line.startsWith("data:")) data = line.slice(5).trim();
      else if (line === "" && data) {
        if (data !== "[DONE]") accept(result, data);
        data = "";
      }
    }
  }
  if (buffer.trim() !== "") result.errors.push(`stream ended inside an event: ${buffer.slice(0, 80)}`);
  return result;
}

function accept(result: StreamResult, data: string): void {
  let event: Json;
  try {
    event = JSON.parse(data);
  } catch {
    result.errors.push(`Failed to parse event data: ${data}`);
    return;
  }
  result.events.push(event);
  const errors = eventErrors(event);
  if (errors.length > 0) result.errors.push(`Event validation failed for ${event.type}: ${errors.join("; ")}`);
  if (event.type === "response.completed" || event.type === "response.failed" || event.type === "response.incomplete") result.finalResponse = event.response;
}

function validate(validator: Validator, response: Json, events: Json[]): string[] {
  switch (validator) {
    case "hasOutput":
      return response.output?.length > 0 ? [] : ["Response has no output items"];
    case "completedStatus":
      return response.status === "completed" ? [] : [`Expected status "completed" but got "${response.status}"`];
    case "hasFunctionCall":
      return response.output?.some((item: Json) => item.type === "function_call") ? [] : ['Expected output item of type "function_call" but none found'];
    case "functionCallEvents": {
      const types = events.map((event) => event.type);
      const errors: string[] = [];
      const itemEvent = (type: string) => events.some((event) => event.type === type && event.item?.type === "function_call");
      if (!itemEvent("response.output_item.added")) errors.push("Missing response.output_item.added event with function_call item");
      if (!types.includes("response.function_call_arguments.delta")) errors.push("Missing response.function_call_arguments.delta event");
      if (!types.includes("response.function_call_arguments.done")) errors.push("Missing response.function_call_arguments.done event");
      if (!itemEvent("response.output_item.done")) errors.push("Missing response.output_item.done event with function_call item");
      return errors;
    }
    case "streamOrder":
      return streamOrderErrors(events);
    default: {
      const exhaustive: never = validator;
      return exhaustive;
    }
  }
}

/** One case as the suite runs it: HTTP status, schema of the response (or of each event and the final response), then the case's validators. */
async function runCase(testCase: ComplianceCase): Promise<{ errors: string[]; response: Json; events: Json[] }> {
  const response = await send(testCase.body(model), testCase.streaming);
  if (!response.ok) return { errors: [`HTTP ${response.status}: ${await response.text()}`], response: {}, events: [] };
  let body: unknown;
  let events: Json[] = [];
  const errors: string[] = [];
  if (testCase.streaming) {
    expect(response.headers.get("content-type")).toStartWith("text/event-stream");
    const stream = await readStream(response);
    ({ events } = stream);
    body = stream.finalResponse;
    if (events.length === 0) errors.push("No streaming events received");
    errors.push(...stream.errors);
  } else {
    body = await response.json();
  }
  const schemaErrors = responseErrors(body);
  if (schemaErrors.length > 0) return { errors: [...errors, ...schemaErrors], response: {}, events };
  errors.push(...testCase.validators.flatMap((validator) => validate(validator, body as Json, events)));
  return { errors, response: body as Json, events };
}

describe("OpenResponses compliance suite against lipstd", () => {
  for (const testCase of complianceCases) {
    test(`${testCase.id}${testCase.streaming ? " (stream)" : ""} passes`, async () => {
      const { errors, response, events } = await runCase(testCase);
      expect(errors).toEqual([]);
      expect(response.object).toBe("response");
      if (testCase.streaming) expect(events.at(-1)?.type).toBe("response.completed");
    });
  }

  test("the answer to a request with tools is the tool call alone, with the arguments the stub was given", async () => {
    const { response, events } = await runCase(complianceCases.find((testCase) => testCase.id === "tool-calling-streaming")!);
    expect(response.output.map((item: Json) => item.type)).toEqual(["function_call"]);
    expect(response.output[0]).toMatchObject({ name: "get_weather", arguments: '{"location":"San Francisco, CA"}', status: "completed" });
    const deltas = events.filter((event) => event.type === "response.function_call_arguments.delta").map((event) => event.delta);
    expect(deltas.join("")).toBe('{"location":"San Francisco, CA"}');
  });

  test("every text delta of a streamed answer adds up to the final output text", async () => {
    const { response, events } = await runCase(complianceCases.find((testCase) => testCase.id === "streaming-response")!);
    const deltas = events.filter((event) => event.type === "response.output_text.delta").map((event) => event.delta);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe(response.output[0].content[0].text);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, i) => i));
  });
});

/** One non-streaming request as the suite's `parseResponse` checks it: HTTP status, then the schema. */
async function sendChecked(body: Json): Promise<{ errors: string[]; response: Json }> {
  const response = await send(body, false);
  if (!response.ok) return { errors: [`HTTP ${response.status}: ${await response.text()}`], response: {} };
  const parsed = (await response.json()) as Json;
  return { errors: responseErrors(parsed), response: parsed };
}

/**
 * previous-response-id and function-call-roundtrip, run the way the suite runs them: the second
 * request names the first response by `previous_response_id` and sends only the new input (a
 * user question, or the function_call_output alone: no tools, no history).
 */
describe("suite cases that chain responses by previous_response_id", () => {
  for (const chained of chainedCases) {
    test(`${chained.id} passes`, async () => {
      const first = await sendChecked(chained.first(model));
      expect(first.errors).toEqual([]);
      const second = chained.second(model, first.response);
      if (!second) throw new Error("First response did not include a function_call with call_id");
      const { errors, response } = await sendChecked(second);
      expect(errors).toEqual([]);
      expect([...validate("hasOutput", response, []), ...validate("completedStatus", response, [])]).toEqual([]);
      expect(response.previous_response_id).toBe(first.response.id);
      expect(response.id).not.toBe(first.response.id);
    });
  }
});

/**
 * OpenAI Responses API emulator (`POST {base}/responses`): the typed SSE event grammar
 * (response.created → output items → response.completed | incomplete | failed), reasoning items
 * with summary parts and `encrypted_content`, function calls, usage, and the JSON form.
 */
import { deltasOf, type Emulator, type EmulatorOptions, finishOf, joined, type RecordedRequest, startWireEmulator, type Turn, type WireFormat } from "./harness.ts";

export type { Emulator, EmulatorOptions, RecordedRequest, Step, Turn } from "./harness.ts";

function sse(type: string, payload: Record<string, unknown>, sequence: { next: number }): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...payload, sequence_number: sequence.next++ })}\n\n`;
}

function usageOf(turn: Turn): Record<string, unknown> | null {
  if (!turn.usage) return null;
  const { input, output, cached = 0, reasoning = 0 } = turn.usage;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + output,
  };
}

interface Output {
  /** The finished item, as `output_item.done` and the JSON form carry it. */
  item: Record<string, any>;
  /** How its text or arguments stream. */
  deltas: string[];
}

function outputItems(turn: Turn): Output[] {
  const items: Output[] = [];
  if (turn.reasoning && (turn.reasoning.summary || turn.reasoning.encrypted !== undefined)) {
    const item = {
      type: "reasoning",
      id: "rs_emulated_1",
      summary: (turn.reasoning.summary ?? []).map((text) => ({ type: "summary_text", text })),
      ...(turn.reasoning.encrypted !== undefined && { encrypted_content: turn.reasoning.encrypted }),
    };
    items.push({ item, deltas: [] });
  }
  if (turn.text !== undefined) {
    const content = [{ type: "output_text", text: joined(turn.text), annotations: [] }];
    items.push({ item: { type: "message", id: "msg_emulated_1", status: "completed", role: "assistant", content }, deltas: deltasOf(turn.text) });
  }
  (turn.toolCalls ?? []).forEach((call, position) => {
    const item = { type: "function_call", id: `fc_emulated_${position + 1}`, call_id: call.id ?? `call_emulated_${position + 1}`, name: call.name, arguments: joined(call.arguments), status: "completed" };
    items.push({ item, deltas: deltasOf(call.arguments) });
  });
  return items;
}

function responseObject(turn: Turn, request: RecordedRequest, status: string, output: unknown[]): Record<string, unknown> {
  const finish = finishOf(turn);
  return {
    id: turn.id ?? "resp_emulated",
    object: "response",
    created_at: 1_700_000_000,
    status,
    model: turn.model ?? request.body?.model ?? "emulated-model",
    output,
    usage: status === "in_progress" ? null : usageOf(turn),
    incomplete_details: status === "incomplete" ? { reason: finish === "length" ? "max_output_tokens" : "content_filter" } : null,
    error: null,
  };
}

function terminalStatus(turn: Turn): "completed" | "incomplete" {
  const finish = finishOf(turn);
  return finish === "length" || finish === "content_filter" ? "incomplete" : "completed";
}

function itemEvents({ item, deltas }: Output, outputIndex: number, turn: Turn, sequence: { next: number }): string[] {
  const frames: string[] = [];
  const base = { output_index: outputIndex };
  switch (item.type) {
    case "reasoning": {
      frames.push(sse("response.output_item.added", { ...base, item: { type: "reasoning", id: item.id, summary: [] } }, sequence));
      (turn.reasoning?.summary ?? []).forEach((text, summaryIndex) => {
        const ids = { item_id: item.id, ...base, summary_index: summaryIndex };
        frames.push(sse("response.reasoning_summary_part.added", { ...ids, part: { type: "summary_text", text: "" } }, sequence));
        for (const piece of text.match(/.{1,12}/gs) ?? []) frames.push(sse("response.reasoning_summary_text.delta", { ...ids, delta: piece }, sequence));
        frames.push(sse("response.reasoning_summary_text.done", { ...ids, text }, sequence));
        frames.push(sse("response.reasoning_summary_part.done", { ...ids, part: { type: "summary_text", text } }, sequence));
      });
      break;
    }
    case "message": {
      frames.push(sse("response.output_item.added", { ...base, item: { ...item, status: "in_progress", content: [] } }, sequence));
      const ids = { item_id: item.id, ...base, content_index: 0 };
      frames.push(sse("response.content_part.added", { ...ids, part: { type: "output_text", text: "", annotations: [] } }, sequence));
      for (const delta of deltas) frames.push(sse("response.output_text.delta", { ...ids, delta, logprobs: [] }, sequence));
      frames.push(sse("response.output_text.done", { ...ids, text: item.content[0].text, logprobs: [] }, sequence));
      frames.push(sse("response.content_part.done", { ...ids, part: item.content[0] }, sequence));
      break;
    }
    case "function_call": {
      frames.push(sse("response.output_item.added", { ...base, item: { ...item, arguments: "", status: "in_progress" } }, sequence));
      for (const delta of deltas) frames.push(sse("response.function_call_arguments.delta", { item_id: item.id, ...base, delta }, sequence));
      frames.push(sse("response.function_call_arguments.done", { item_id: item.id, ...base, arguments: item.arguments }, sequence));
      break;
    }
  }
  frames.push(sse("response.output_item.done", { ...base, item }, sequence));
  return frames;
}

export const responsesWire: WireFormat = {
  basePath: "/v1",
  accepts: (method, path) => method === "POST" && path.endsWith("/responses"),
  wantsStream: (request) => request.body?.stream === true,
  streamFrames(turn, request) {
    const sequence = { next: 0 };
    const content = [
      sse("response.created", { response: responseObject(turn, request, "in_progress", []) }, sequence),
      sse("response.in_progress", { response: responseObject(turn, request, "in_progress", []) }, sequence),
    ];
    const outputs = outputItems(turn);
    outputs.forEach((output, outputIndex) => content.push(...itemEvents(output, outputIndex, turn, sequence)));
    const status = terminalStatus(turn);
    const finish = [sse(`response.${status}`, { response: responseObject(turn, request, status, outputs.map((output) => output.item)) }, sequence)];
    return { content, finish };
  },
  streamErrorFrames(error, turn, request) {
    const sequence = { next: 900 };
    if (error.variant === "failed") {
      const failed = { ...responseObject(turn, request, "failed", []), error: { code: error.code ?? "server_error", message: error.message } };
      return [sse("response.failed", { response: failed }, sequence)];
    }
    return [sse("error", { code: error.code ?? "server_error", message: error.message, param: null }, sequence)];
  },
  malformedFrame: () => "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\n\n",
  json: (turn, request) => responseObject(turn, request, terminalStatus(turn), outputItems(turn).map((output) => output.item)),
  errorBody: (error) => ({ error: { message: error.message ?? `emulated ${error.status}`, type: error.type ?? (error.status >= 500 ? "server_error" : "invalid_request_error"), param: null, code: error.code ?? null } }),
};

/** Starts an OpenAI Responses emulator; `url` ends in `/v1`. */
export function startEmulator(options: EmulatorOptions): Emulator {
  return startWireEmulator(responsesWire, options);
}

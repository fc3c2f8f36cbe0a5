/**
 * Amazon Bedrock ConverseStream emulator: a node:http2 cleartext (h2c) server on 127.0.0.1:0,
 * because the AWS SDK's default handler speaks HTTP/2 — the backend is tested through the real
 * SDK, SigV4 and binary event-stream framing included. Same Script/Emulator shape as the others.
 */
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { EventStreamCodec } from "@smithy/core/event-streams";
import { deltasOf, type Emulator, type EmulatorOptions, type ErrorReply, finishOf, joined, type RecordedRequest, type Step, type Turn } from "./harness.ts";

const codec = new EventStreamCodec(
  (bytes) => new TextDecoder().decode(bytes),
  (text) => new TextEncoder().encode(text),
);

function frame(messageType: "event" | "exception", type: string, body: unknown): Uint8Array {
  const typeHeader = messageType === "event" ? ":event-type" : ":exception-type";
  return codec.encode({
    headers: {
      ":message-type": { type: "string", value: messageType },
      [typeHeader]: { type: "string", value: type },
      ":content-type": { type: "string", value: "application/json" },
    },
    body: new TextEncoder().encode(JSON.stringify(body)),
  });
}

const stopReasons = { stop: "end_turn", length: "max_tokens", tool_calls: "tool_use", content_filter: "content_filtered" } as const;

/** The event frames of one turn: content first, then messageStop + metadata (the "finish"). */
export function turnFrames(turn: Turn): { content: Uint8Array[]; finish: Uint8Array[] } {
  const content: Uint8Array[] = [frame("event", "messageStart", { role: "assistant" })];
  let index = 0;
  if (turn.reasoning?.text !== undefined || turn.reasoning?.signature) {
    for (const text of deltasOf(turn.reasoning.text)) content.push(frame("event", "contentBlockDelta", { contentBlockIndex: index, delta: { reasoningContent: { text } } }));
    if (turn.reasoning.signature) content.push(frame("event", "contentBlockDelta", { contentBlockIndex: index, delta: { reasoningContent: { signature: turn.reasoning.signature } } }));
    content.push(frame("event", "contentBlockStop", { contentBlockIndex: index }));
    index++;
  }
  const texts = deltasOf(turn.text);
  if (texts.length > 0) {
    for (const text of texts) content.push(frame("event", "contentBlockDelta", { contentBlockIndex: index, delta: { text } }));
    content.push(frame("event", "contentBlockStop", { contentBlockIndex: index }));
    index++;
  }
  for (const [i, call] of (turn.toolCalls ?? []).entries()) {
    content.push(frame("event", "contentBlockStart", { contentBlockIndex: index, start: { toolUse: { toolUseId: call.id ?? `tooluse_${i}`, name: call.name } } }));
    for (const input of deltasOf(call.arguments)) content.push(frame("event", "contentBlockDelta", { contentBlockIndex: index, delta: { toolUse: { input } } }));
    content.push(frame("event", "contentBlockStop", { contentBlockIndex: index }));
    index++;
  }
  const usage = turn.usage ?? { input: 10, output: Math.max(1, joined(turn.text).length) };
  const finish = [
    frame("event", "messageStop", { stopReason: stopReasons[finishOf(turn)] }),
    frame("event", "metadata", {
      usage: { inputTokens: usage.input - (usage.cached ?? 0), outputTokens: usage.output, totalTokens: usage.input + usage.output, ...(usage.cached !== undefined && { cacheReadInputTokens: usage.cached }) },
      metrics: { latencyMs: 1 },
    }),
  ];
  return { content, finish };
}

const exceptionNames: Record<number, string> = { 400: "ValidationException", 403: "AccessDeniedException", 404: "ResourceNotFoundException", 408: "ModelTimeoutException", 429: "ThrottlingException", 500: "InternalServerException", 503: "ServiceUnavailableException" };

function errorReply(stream: http2.ServerHttp2Stream, error: ErrorReply): void {
  const name = error.type ?? exceptionNames[error.status] ?? "InternalServerException";
  stream.respond({ ":status": error.status, "content-type": "application/json", "x-amzn-errortype": `${name}:http://internal.amazon.com/coral/com.amazon.bedrock/`, ...(error.retryAfter !== undefined && { "retry-after": String(error.retryAfter) }), ...error.headers });
  stream.end(JSON.stringify(error.body ?? { message: error.message ?? `scripted ${name}` }));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const requests: RecordedRequest[] = [];
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  server.on("stream", (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
    // A deliberate reset (cutAfterFrames) errors this server-side stream too; unheard, that error is uncaught.
    stream.on("error", () => {});
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", async () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      const path = String(headers[":path"] ?? "/");
      const authorization = String(headers.authorization ?? "");
      const recorded: RecordedRequest = {
        method: String(headers[":method"]),
        path: path.split("?")[0]!,
        query: new URLSearchParams(path.split("?")[1] ?? ""),
        headers: Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith(":")).map(([name, value]) => [name, String(value)])),
        body: rawBody ? JSON.parse(rawBody) : undefined,
        rawBody,
        key: /Credential=([^/]+)/.exec(authorization)?.[1],
        remotePort: stream.session?.socket?.remotePort ?? 0,
        aborted: false,
      };
      stream.on("close", () => {
        if (!stream.writableFinished) recorded.aborted = true;
      });
      requests.push(recorded);
      if (!/^\/model\/[^/]+\/converse-stream$/.test(recorded.path)) {
        errorReply(stream, { status: 404, type: "UnknownOperationException", message: `no route ${recorded.path}` });
        return;
      }
      if (recorded.key && options.rejectKeys?.includes(recorded.key)) {
        errorReply(stream, { status: 403, type: "UnrecognizedClientException", message: "The security token included in the request is invalid." });
        return;
      }
      const script = options.script;
      const step: Step = typeof script === "function" ? script(recorded, requests.length - 1) : script[Math.min(requests.length - 1, script.length - 1)]!;
      if (step.headersDelayMs) await sleep(step.headersDelayMs);
      if ("error" in step) {
        errorReply(stream, step.error);
        return;
      }
      if (stream.destroyed) return;
      stream.respond({ ":status": 200, "content-type": "application/vnd.amazon.eventstream", "x-amzn-requestid": crypto.randomUUID() });
      if (step.firstChunkDelayMs) await sleep(step.firstChunkDelayMs);
      const { content, finish } = turnFrames(step.reply);
      for (const [i, bytes] of content.entries()) {
        if (stream.destroyed) return;
        if (step.cutAfterFrames !== undefined && i === step.cutAfterFrames) {
          await sleep(20);
          stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
          return;
        }
        if (i > 0 && step.chunkDelayMs) await sleep(step.chunkDelayMs);
        stream.write(bytes);
      }
      if (step.streamError) {
        stream.end(frame("exception", step.streamError.code ?? "modelStreamErrorException", { message: step.streamError.message }));
        return;
      }
      if (step.dropFinish) {
        stream.end();
        return;
      }
      for (const bytes of finish) stream.write(bytes);
      stream.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    origin,
    requests,
    async stop() {
      for (const session of sessions) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

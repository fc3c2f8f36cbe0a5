/**
 * Gemini API emulator (also answers Vertex AI paths: any `…/models/{model}:method`). Speaks the
 * real wire format: `:streamGenerateContent?alt=sse` sends one whole GenerateContentResponse per
 * `data:` line and no terminator; without `alt=sse` the same chunks come as one JSON array;
 * `:generateContent` answers one merged response; `:countTokens` answers `{totalTokens}`.
 * Thought parts carry `thought: true`; the signature goes where Gemini 3 puts it (first
 * functionCall, else the last part) unless the turn says otherwise. Errors are google.rpc.Status
 * JSON; `rateLimited("26s")` adds a RetryInfo detail like the real 429 (no Retry-After header).
 */
import {
  deltasOf,
  type Emulator,
  type ErrorReply,
  finishOf,
  joined,
  type RecordedRequest,
  startWireEmulator,
  type StreamFaults,
  type Turn,
  type WireFormat,
} from "./harness.ts";

export type { Emulator, ErrorReply, RecordedRequest } from "./harness.ts";

export interface GeminiTurnExtras {
  /** "auto" (default): Gemini 3 placement; "thought": on the last thought part; "text": on the first text part. */
  signatureOn?: "auto" | "thought" | "text";
  /** Stream these raw GenerateContentResponse chunks instead of rendering the turn. */
  chunks?: Array<Record<string, unknown>>;
  /** A raw finishReason ("MALFORMED_FUNCTION_CALL", "RECITATION", …) instead of the mapped `finish`. */
  finishReason?: string;
  /** The prompt was blocked: `promptFeedback.blockReason` and no candidates. */
  blockReason?: string;
}

export type GeminiTurn = Turn & { gemini?: GeminiTurnExtras };
export type GeminiStep = ({ reply: GeminiTurn } & StreamFaults) | { error: ErrorReply; headersDelayMs?: number };

export interface GeminiEmulatorOptions {
  script: readonly GeminiStep[] | ((request: RecordedRequest, index: number) => GeminiStep);
  rejectKeys?: readonly string[];
}

const statusNames: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

const statusCodes: Record<string, number> = Object.fromEntries(Object.entries(statusNames).map(([code, name]) => [name, Number(code)]));

/** A google.rpc.Status error body. */
export function googleError(code: number, message: string, details: Array<Record<string, unknown>> = []): { error: Record<string, unknown> } {
  return { error: { code, message, status: statusNames[code] ?? "UNKNOWN", ...(details.length > 0 && { details }) } };
}

/** The real 429: RESOURCE_EXHAUSTED with QuotaFailure and RetryInfo details, no Retry-After header. */
export function rateLimited(retryDelay: string): ErrorReply {
  return {
    status: 429,
    body: googleError(429, "You exceeded your current quota, please check your plan and billing details.", [
      { "@type": "type.googleapis.com/google.rpc.QuotaFailure", violations: [{ quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests", quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier" }] },
      { "@type": "type.googleapis.com/google.rpc.Help", links: [{ description: "Learn more about Gemini API quotas", url: "https://ai.google.dev/gemini-api/docs/rate-limits" }] },
      { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay },
    ]),
  };
}

/** What Gemini answers for a bad API key: 400, not 401. */
export function invalidApiKey(): ErrorReply {
  return {
    status: 400,
    body: googleError(400, "API key not valid. Please pass a valid API key.", [
      { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com", metadata: { service: "generativelanguage.googleapis.com" } },
    ]),
  };
}

const rawFinish: Record<NonNullable<Turn["finish"]>, string> = { stop: "STOP", tool_calls: "STOP", length: "MAX_TOKENS", content_filter: "SAFETY" };

function usageMetadata(turn: Turn): Record<string, number> | undefined {
  if (!turn.usage) return undefined;
  const { input, output, cached = 0, reasoning = 0 } = turn.usage;
  return {
    promptTokenCount: input,
    candidatesTokenCount: output - reasoning,
    ...(reasoning > 0 && { thoughtsTokenCount: reasoning }),
    ...(cached > 0 && { cachedContentTokenCount: cached }),
    totalTokenCount: input + output,
  };
}

function modelOf(turn: Turn, request: RecordedRequest): string {
  return turn.model ?? /\/models\/([^/:]+):/.exec(request.path)?.[1] ?? "gemini-emulated";
}

type Part = Record<string, unknown>;

/** The turn as GenerateContentResponse chunks: `content` up to the last content, `finish` after. */
function chunksOf(turn: GeminiTurn, request: RecordedRequest): { content: Part[]; finish: Part[] } {
  const extras = turn.gemini ?? {};
  if (extras.chunks) return { content: extras.chunks, finish: [] };
  const head = { modelVersion: modelOf(turn, request), responseId: turn.id ?? "emulated-response-id" };
  const usage = usageMetadata(turn);
  if (extras.blockReason) return { content: [], finish: [{ promptFeedback: { blockReason: extras.blockReason }, ...(usage && { usageMetadata: usage }), ...head }] };
  const placement = extras.signatureOn ?? "auto";
  const signature = turn.reasoning?.signature;
  const early = usage && { usageMetadata: { promptTokenCount: usage.promptTokenCount } };
  const chunk = (parts: Part[], more: Part = {}): Part => ({ candidates: [{ content: { role: "model", parts }, index: 0, ...more }], ...early, ...head });
  const content: Part[] = [];
  const thoughts = deltasOf(turn.reasoning?.text);
  thoughts.forEach((text, i) => {
    const signed = signature && placement === "thought" && i === thoughts.length - 1;
    content.push(chunk([{ text, thought: true, ...(signed && { thoughtSignature: signature }) }]));
  });
  deltasOf(turn.text).forEach((text, i) => {
    const signed = signature && placement === "text" && i === 0;
    content.push(chunk([{ text, ...(signed && { thoughtSignature: signature }) }]));
  });
  const calls = (turn.toolCalls ?? []).map((call, i): Part => ({
    functionCall: { name: call.name, args: JSON.parse(joined(call.arguments) || "{}"), ...(call.id && { id: call.id }) },
    ...(signature && placement === "auto" && i === 0 && { thoughtSignature: signature }),
  }));
  if (calls.length > 0) content.push(chunk(calls));
  // Gemini 3 signs a response without calls on its last part: here an empty text part with the finish.
  const lastSigned = signature && placement === "auto" && calls.length === 0;
  const finishReason = extras.finishReason ?? rawFinish[finishOf(turn)];
  const finishChunk = { ...chunk([{ text: "", ...(lastSigned && { thoughtSignature: signature }) }], { finishReason }), ...(usage && { usageMetadata: usage }) };
  return { content, finish: [finishChunk] };
}

/** The non-streamed answer: the chunks' parts merged like the API's own generateContent. */
function merged(turn: GeminiTurn, request: RecordedRequest): Part {
  const { content, finish } = chunksOf(turn, request);
  const chunks = [...content, ...finish] as Array<{ candidates?: Array<{ content?: { parts?: Part[] }; finishReason?: string }> } & Part>;
  const parts: Part[] = [];
  for (const part of chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? [])) {
    const previous = parts[parts.length - 1];
    const sameKind = previous && typeof previous.text === "string" && typeof part.text === "string" && !!previous.thought === !!part.thought && !part.thoughtSignature && !previous.functionCall;
    if (sameKind) previous.text = `${previous.text as string}${part.text as string}`;
    else if (part.text !== "" || part.thoughtSignature) parts.push({ ...part });
  }
  const last = chunks[chunks.length - 1] ?? {};
  const finishReason = chunks.map((chunk) => chunk.candidates?.[0]?.finishReason).find(Boolean);
  const { candidates: _candidates, ...rest } = last;
  if (!last.candidates) return rest;
  return { ...rest, candidates: [{ content: { role: "model", parts }, ...(finishReason && { finishReason }), index: 0 }] };
}

const data = (payload: unknown): string => `data: ${JSON.stringify(payload)}\r\n\r\n`;

const geminiWire: WireFormat = {
  basePath: "",
  accepts: (method, path) => method === "POST" && /\/(models|tunedModels)\/[^/]+:(streamGenerateContent|generateContent|countTokens)$/.test(path),
  wantsStream: (request) => request.path.endsWith(":streamGenerateContent") && request.query.get("alt") === "sse",
  streamFrames(turn, request) {
    const { content, finish } = chunksOf(turn as GeminiTurn, request);
    return { content: content.map(data), finish: finish.map(data) };
  },
  streamErrorFrames: (error) => {
    const code = statusCodes[error.code ?? ""] ?? 500;
    return [data({ error: { code, message: error.message, status: statusNames[code] ?? "UNKNOWN" } })];
  },
  malformedFrame: () => 'data: {"candidates": [{"content": {"parts": [{"text": \r\n\r\n',
  json(turn, request) {
    if (request.path.endsWith(":countTokens")) return { totalTokens: turn.usage?.input ?? 0 };
    if (request.path.endsWith(":streamGenerateContent")) {
      const { content, finish } = chunksOf(turn as GeminiTurn, request);
      return [...content, ...finish];
    }
    return merged(turn as GeminiTurn, request);
  },
  errorBody: (error) => googleError(error.status, error.message ?? `emulated ${error.status}`),
};

/** Starts a Gemini emulator on 127.0.0.1:0; `url` is the origin (a `base_url` or Vertex `base_endpoint`). */
export function startEmulator(options: GeminiEmulatorOptions): Emulator {
  return startWireEmulator(geminiWire, options as Parameters<typeof startWireEmulator>[1]);
}

export const startGeminiEmulator = startEmulator;

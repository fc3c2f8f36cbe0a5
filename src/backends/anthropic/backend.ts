import type { BackendConfig, BackendEnvironment } from "../../core/backend-kind.ts";
import type { AttemptContext, BackendInstance } from "../../core/codec.ts";
import type { CanonicalCall } from "../../core/model/call.ts";
import { LipError } from "../../core/model/errors.ts";
import type { CanonicalEvent } from "../../core/model/events.ts";
import { backendIdentity, type IdentityDefaults } from "../shared/backend-identity.ts";
import { discoverApiKeys, KeyPool } from "../shared/key-pool.ts";
import { keyedFetch } from "../shared/keyed-fetch.ts";
import { append, canonicalBatches, eachEvent } from "../shared/event-batches.ts";
import { sseBatches } from "../shared/sse-stream.ts";
import { type UpstreamHttp, upstreamHttpFor } from "../shared/upstream-http.ts";
import { malformedStream } from "./errors.ts";
import { messagePayloads } from "./message-json.ts";
import { messagesSettings, type MessagesSettings } from "./options.ts";
import { anthropicDialect, countTokensRequest, messagesRequest } from "./request.ts";
import { createAnthropicStreamMapper, type StreamPayload } from "./stream.ts";

/** How one kind of the family differs: data, not code. */
export interface MessagesFlavour extends IdentityDefaults {
  defaultKeyEnv?: string;
  /** Servers that run without a key (local compatible servers). */
  keyOptional?: boolean;
}

interface Instance {
  id: string;
  messagesUrl: string;
  countUrl: string;
  pool: KeyPool | undefined;
  settings: MessagesSettings;
  http: UpstreamHttp;
}

/** `https://api.anthropic.com` and `https://host/v1` both work: the SDK convention and the OpenAI one. */
export function messagesUrl(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  return base.endsWith("/v1") ? `${base}/messages` : `${base}/v1/messages`;
}

function headers(instance: Instance, key: string | undefined, call: CanonicalCall, attempt: AttemptContext, stream: boolean): Record<string, string> {
  const { settings } = instance;
  const betas = [...settings.betas];
  if (settings.forwardClientBeta && call.sourceDialect === anthropicDialect) {
    for (const value of attempt.clientHeaders.get("anthropic-beta")?.split(",") ?? []) {
      const beta = value.trim();
      if (beta && !betas.includes(beta)) betas.push(beta);
    }
  }
  const result: Record<string, string> = {
    "content-type": "application/json",
    accept: stream ? "text/event-stream" : "application/json",
    "anthropic-version": settings.version,
    ...(betas.length > 0 && { "anthropic-beta": betas.join(",") }),
  };
  if (key !== undefined) {
    if (settings.auth === "bearer") result.authorization = `Bearer ${key}`;
    else result[settings.auth] = key;
  }
  return result;
}

function parsePayload(backendId: string, data: string, eventName: string | undefined): StreamPayload {
  let payload: unknown;
  try {
    payload = JSON.parse(data);
  } catch {
    throw malformedStream(backendId, "an event's data is not JSON");
  }
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) throw malformedStream(backendId, "an event's data is not an object");
  const typed = payload as StreamPayload;
  typed.type ??= eventName;
  return typed;
}

async function* messagesBatches(instance: Instance, call: CanonicalCall, attempt: AttemptContext): AsyncGenerator<CanonicalEvent[]> {
  const built = messagesRequest(call, attempt.model, instance.settings.request);
  const signal = instance.http.attemptSignal(attempt.signal);
  const response = await keyedFetch(instance.id, instance.pool, {
    url: instance.messagesUrl,
    body: JSON.stringify(built.body),
    signal,
    http: instance.http,
    headers: (key) => headers(instance, key, call, attempt, true),
  });
  if (!response.body) throw new LipError("upstream", `upstream ${instance.id} sent no body`);
  const mapper = createAnthropicStreamMapper(instance.id, attempt.model, built.warnings);
  if (response.headers.get("content-type")?.includes("application/json")) {
    // A compatible server that ignored `stream: true` answered with one whole message.
    const text = await response.text().catch(() => {
      throw instance.http.bodyFailure(instance.id, signal) ?? new LipError("upstream", `upstream ${instance.id} body broke`, { code: "stream_broken" });
    });
    const message = parsePayload(instance.id, text, undefined);
    const events: CanonicalEvent[] = [];
    try {
      for (const payload of messagePayloads(message as Parameters<typeof messagePayloads>[0])) append(events, mapper.map(payload));
      mapper.end();
    } catch (thrown) {
      if (events.length > 0) yield events;
      throw thrown;
    }
    if (events.length > 0) yield events;
    return;
  }
  yield* canonicalBatches(
    sseBatches(response.body, instance.id, { http: instance.http, signal }),
    (event, out) => {
      if (event.data === "") return false;
      append(out, mapper.map(parsePayload(instance.id, event.data, event.event)));
      return mapper.finished;
    },
    () => mapper.end(),
  );
}

async function countTokens(instance: Instance, call: CanonicalCall, attempt: AttemptContext): Promise<number> {
  const body = countTokensRequest(call, attempt.model, instance.settings.request);
  const response = await keyedFetch(instance.id, instance.pool, {
    url: instance.countUrl,
    body: JSON.stringify(body),
    signal: instance.http.attemptSignal(attempt.signal),
    http: instance.http,
    headers: (key) => headers(instance, key, call, attempt, false),
  });
  const answer = (await response.json().catch(() => undefined)) as { input_tokens?: unknown } | undefined;
  if (typeof answer?.input_tokens !== "number") throw new LipError("upstream", `upstream ${instance.id} answered count_tokens without input_tokens`, { code: "malformed_response" });
  return answer.input_tokens;
}

/** One Messages API backend: the codec is shared by every kind of the family. */
export function createMessagesBackend(flavour: MessagesFlavour, config: BackendConfig, baseUrl: string, environment: BackendEnvironment): BackendInstance {
  const { keys } = discoverApiKeys(config, environment.env, flavour.defaultKeyEnv);
  const url = messagesUrl(baseUrl);
  const instance: Instance = {
    id: config.id,
    messagesUrl: url,
    countUrl: `${url}/count_tokens`,
    pool: keys.length > 0 || !flavour.keyOptional ? new KeyPool(keys, config.id) : undefined,
    settings: messagesSettings(config),
    http: upstreamHttpFor(environment),
  };
  return {
    ...backendIdentity(config, flavour),
    stream: (call, attempt) => eachEvent(messagesBatches(instance, call, attempt)),
    streamBatches: (call, attempt) => messagesBatches(instance, call, attempt),
    ...(instance.settings.countTokens && { countTokens: (call: CanonicalCall, attempt: AttemptContext) => countTokens(instance, call, attempt) }),
  };
}

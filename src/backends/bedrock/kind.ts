import { BedrockRuntimeClient, ConverseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import { Type } from "typebox";
import { type BackendConfig, type BackendEnvironment, type BackendKind, defaultHttpClientSettings, type HttpClientSettings } from "../../core/backend-kind.ts";
import type { AttemptContext, BackendInstance } from "../../core/codec.ts";
import type { CanonicalCall } from "../../core/model/call.ts";
import { LipError } from "../../core/model/errors.ts";
import type { CanonicalEvent } from "../../core/model/events.ts";
import { backendIdentity } from "../shared/backend-identity.ts";
import { upstreamTimeout } from "../shared/upstream-http.ts";
import { bedrockError } from "./errors.ts";
import { converseInput } from "./request.ts";
import { createConverseMapper } from "./stream.ts";

const options = Type.Object({
  region: Type.Optional(Type.String({ description: "AWS region; default AWS_REGION / AWS_DEFAULT_REGION / the shared config." })),
  base_endpoint: Type.Optional(Type.String({ description: "Override the Bedrock runtime endpoint (https, or http only to loopback)." })),
  access_key_id: Type.Optional(Type.String({ description: "Static credentials; default is the AWS credential chain." })),
  secret_access_key: Type.Optional(Type.String()),
  session_token: Type.Optional(Type.String()),
  default_max_tokens: Type.Optional(Type.Integer({ minimum: 1, description: "maxTokens when the client sends none." })),
});

const loopbackHosts = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** Credentials and prompts travel in the clear over http: allow it only on this machine. */
export function checkEndpoint(endpoint: string, id: string): void {
  const url = new URL(endpoint);
  if (url.protocol === "https:") return;
  if (url.protocol === "http:" && (loopbackHosts.has(url.hostname) || url.hostname.startsWith("127."))) return;
  throw new Error(`backends.${id}.base_endpoint: cleartext (http) is allowed only to loopback, got ${url.host}`);
}

/** `pending`, or the error `onTimeout` makes once `ms` pass first (0: no limit). */
function within<T>(pending: Promise<T>, ms: number, onTimeout: () => LipError): Promise<T> {
  if (ms <= 0) return pending;
  // The loser may still settle later: its rejection is expected and handled here.
  pending.catch(() => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([pending, timeout]).finally(() => clearTimeout(timer));
}

/**
 * One ConverseStream attempt. The AWS SDK does its own HTTP, so the `http_client` timeouts
 * (headers, stream idle, total) are applied here; each one cancels the request.
 */
async function* converseStream(client: BedrockRuntimeClient, id: string, defaultMaxTokens: number | undefined, http: HttpClientSettings, call: CanonicalCall, attempt: AttemptContext): AsyncGenerator<CanonicalEvent> {
  const mapper = createConverseMapper(id, attempt.model);
  const request = new AbortController();
  const signal = AbortSignal.any([attempt.signal, request.signal, ...(http.totalTimeoutMs > 0 ? [AbortSignal.timeout(http.totalTimeoutMs)] : [])]);
  const expire = (what: "headers" | "idle", ms: number) => (): LipError => {
    const error = upstreamTimeout(id, what, ms);
    request.abort(error);
    return error;
  };
  const failure = (thrown: unknown): LipError => {
    if (thrown instanceof LipError) return thrown;
    if (attempt.signal.aborted) return new LipError("cancelled", "request cancelled");
    if (signal.aborted && !request.signal.aborted) return upstreamTimeout(id, "total", http.totalTimeoutMs);
    return bedrockError(id, thrown);
  };
  let output;
  try {
    const sent = client.send(new ConverseStreamCommand(converseInput(call, attempt.model, defaultMaxTokens)), { abortSignal: signal });
    output = await within(sent, http.responseHeaderTimeoutMs, expire("headers", http.responseHeaderTimeoutMs));
  } catch (thrown) {
    throw failure(thrown);
  }
  if (!output.stream) throw new LipError("upstream", `upstream ${id} returned no stream`);
  yield* mapper.start(output.$metadata.requestId);
  const events = output.stream[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await within(events.next(), http.streamIdleTimeoutMs, expire("idle", http.streamIdleTimeoutMs));
      if (next.done) break;
      yield* mapper.map(next.value);
    }
  } catch (thrown) {
    throw failure(thrown);
  } finally {
    // Leaving early (a timeout, a failure, the consumer gone) must not leave the upstream open.
    request.abort();
  }
  yield* mapper.end();
}

export function createBedrockBackend(config: BackendConfig, environment: BackendEnvironment): BackendInstance {
  const get = <T>(key: string) => config[key] as T | undefined;
  const endpoint = get<string>("base_endpoint");
  if (endpoint) checkEndpoint(endpoint, config.id);
  const accessKeyId = get<string>("access_key_id");
  const secretAccessKey = get<string>("secret_access_key");
  const sessionToken = get<string>("session_token");
  const region = get<string>("region") ?? environment.env.AWS_REGION ?? environment.env.AWS_DEFAULT_REGION ?? "us-east-1";
  const client = new BedrockRuntimeClient({
    region,
    // Failover and retries are the executor's job; the SDK's own retries would hide them.
    maxAttempts: 1,
    ...(endpoint && { endpoint }),
    ...(accessKeyId && secretAccessKey && { credentials: { accessKeyId, secretAccessKey, ...(sessionToken && { sessionToken }) } }),
  });
  const defaultMaxTokens = get<number>("default_max_tokens") ?? 8192;
  const http = environment.http ?? defaultHttpClientSettings;
  return {
    ...backendIdentity(config, bedrockKind),
    stream: (call, attempt) => converseStream(client, config.id, defaultMaxTokens, http, call, attempt),
    close: () => client.destroy(),
  };
}

export const bedrockKind: BackendKind = {
  kind: "bedrock",
  description: "Amazon Bedrock ConverseStream (AWS credential chain, SigV4, HTTP/2 event streams).",
  defaultModel: "anthropic.claude-sonnet-4-5-20250929-v1:0",
  options,
  create: createBedrockBackend,
};

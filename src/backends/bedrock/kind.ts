import { BedrockRuntimeClient, ConverseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import { Type } from "typebox";
import type { BackendConfig, BackendEnvironment, BackendKind } from "../../core/backend-kind.ts";
import type { AttemptContext, BackendInstance } from "../../core/codec.ts";
import type { CanonicalCall } from "../../core/model/call.ts";
import { LipError } from "../../core/model/errors.ts";
import type { CanonicalEvent } from "../../core/model/events.ts";
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

async function* converseStream(client: BedrockRuntimeClient, id: string, defaultMaxTokens: number | undefined, call: CanonicalCall, attempt: AttemptContext): AsyncGenerator<CanonicalEvent> {
  const mapper = createConverseMapper(id, attempt.model);
  let output;
  try {
    output = await client.send(new ConverseStreamCommand(converseInput(call, attempt.model, defaultMaxTokens)), { abortSignal: attempt.signal });
  } catch (thrown) {
    if (attempt.signal.aborted) throw new LipError("cancelled", "request cancelled");
    throw bedrockError(id, thrown);
  }
  if (!output.stream) throw new LipError("upstream", `upstream ${id} returned no stream`);
  yield* mapper.start(output.$metadata.requestId);
  try {
    for await (const event of output.stream) yield* mapper.map(event);
  } catch (thrown) {
    if (attempt.signal.aborted) throw new LipError("cancelled", "request cancelled");
    throw bedrockError(id, thrown);
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
  const defaultModel = config.default_model ?? "anthropic.claude-sonnet-4-5-20250929-v1:0";
  const defaultMaxTokens = get<number>("default_max_tokens") ?? 8192;
  const models = config.models ?? [defaultModel];
  return {
    id: config.id,
    kind: "bedrock",
    defaultModel,
    models: () => models.map((model) => ({ id: model, backendId: config.id })),
    stream: (call, attempt) => converseStream(client, config.id, defaultMaxTokens, call, attempt),
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

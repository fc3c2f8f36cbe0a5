import { Type } from "typebox";
import type { BackendConfig, BackendEnvironment, BackendKind } from "../../core/backend-kind.ts";
import type { AttemptContext, BackendInstance } from "../../core/codec.ts";
import type { CanonicalCall } from "../../core/model/call.ts";
import { LipError } from "../../core/model/errors.ts";
import type { CanonicalEvent } from "../../core/model/events.ts";
import { backendIdentity, type IdentityDefaults } from "../shared/backend-identity.ts";
import { backendPrefixOption, requireBaseUrl } from "../shared/common-options.ts";
import { discoverApiKeys, KeyPool } from "../shared/key-pool.ts";
import { keyedFetch } from "../shared/keyed-fetch.ts";
import { canonicalBatches, eachEvent } from "../shared/event-batches.ts";
import { parseEventData, sseBatches } from "../shared/sse-stream.ts";
import { type UpstreamHttp, upstreamHttpFor } from "../shared/upstream-http.ts";
import { responsesRequestBody } from "./request.ts";
import { createResponsesStreamMapper, type ResponsesEvent } from "./stream.ts";

interface ResponsesInstance {
  id: string;
  url: string;
  pool: KeyPool | undefined;
  store: boolean;
  headers: Record<string, string>;
  http: UpstreamHttp;
}

async function* responsesBatches(instance: ResponsesInstance, call: CanonicalCall, attempt: AttemptContext): AsyncGenerator<CanonicalEvent[]> {
  const { body, warnings } = responsesRequestBody(call, attempt.model, { store: instance.store });
  const signal = instance.http.attemptSignal(attempt.signal);
  const response = await keyedFetch(instance.id, instance.pool, {
    url: instance.url,
    body: JSON.stringify(body),
    signal,
    http: instance.http,
    headers: (key) => ({
      "content-type": "application/json",
      accept: "text/event-stream",
      ...instance.headers,
      ...(key !== undefined && { authorization: `Bearer ${key}` }),
    }),
  });
  if (!response.body) throw new LipError("upstream", `upstream ${instance.id} sent no body`);
  const mapper = createResponsesStreamMapper(instance.id, attempt.model);
  let pendingWarnings = warnings;
  yield* canonicalBatches(
    sseBatches(response.body, instance.id, { http: instance.http, signal }),
    (event, out) => {
      if (event.data === "" || event.data === "[DONE]") return false;
      const parsed = parseEventData(event.data, instance.id) as ResponsesEvent;
      // Some servers name the type only in the `event:` line.
      if (typeof parsed.type !== "string") parsed.type = event.event ?? "";
      for (const canonical of mapper.map(parsed)) {
        out.push(canonical);
        // Warnings about the request go right after message_started (events before response_started are invalid).
        if (canonical.type === "message_started" && pendingWarnings.length > 0) {
          for (const warning of pendingWarnings) out.push({ type: "warning", ...warning });
          pendingWarnings = [];
        }
      }
      return mapper.ended;
    },
    () => {
      if (!mapper.ended) throw new LipError("upstream", `upstream ${instance.id} stream ended without a terminal response event`, { code: "truncated_stream" });
    },
  );
}

interface ResponsesFlavour extends IdentityDefaults {
  description: string;
  defaultBaseUrl?: string;
  defaultKeyEnv?: string;
}

function createResponsesBackend(flavour: ResponsesFlavour, config: BackendConfig, environment: BackendEnvironment): BackendInstance {
  const baseUrl = requireBaseUrl(config, flavour.kind, flavour.defaultBaseUrl);
  const { keys } = discoverApiKeys(config, environment.env, flavour.defaultKeyEnv);
  // Compatible servers may need no key; OpenAI without a key fails recoverably per request.
  const pool = keys.length > 0 || flavour.defaultKeyEnv ? new KeyPool(keys, config.id) : undefined;
  const headers: Record<string, string> = {};
  if (typeof config.organization === "string") headers["openai-organization"] = config.organization;
  if (typeof config.project === "string") headers["openai-project"] = config.project;
  const instance: ResponsesInstance = {
    id: config.id,
    url: `${baseUrl}/responses`,
    pool,
    store: config.store === true,
    headers,
    http: upstreamHttpFor(environment),
  };
  return {
    ...backendIdentity(config, flavour),
    stream: (call, attempt) => eachEvent(responsesBatches(instance, call, attempt)),
    streamBatches: (call, attempt) => responsesBatches(instance, call, attempt),
  };
}

const storeOption = Type.Boolean({ description: "Send `store: true` (server-side state). Default false: stateless, reasoning replayed via encrypted_content." });

function responsesKind(flavour: ResponsesFlavour, options: BackendKind["options"]): BackendKind {
  return {
    kind: flavour.kind,
    description: flavour.description,
    ...(flavour.defaultBaseUrl && { defaultBaseUrl: flavour.defaultBaseUrl }),
    ...(flavour.defaultKeyEnv && { defaultKeyEnv: flavour.defaultKeyEnv }),
    ...(flavour.defaultModel && { defaultModel: flavour.defaultModel }),
    ...(options && { options }),
    create: (config, environment) => createResponsesBackend(flavour, config, environment),
  };
}

export const openaiResponsesKind = responsesKind(
  {
    kind: "openai-responses",
    description: "OpenAI Responses API (function calls, reasoning items with encrypted_content, store:false by default).",
    defaultBaseUrl: "https://api.openai.com/v1",
    defaultKeyEnv: "OPENAI_API_KEY",
    defaultModel: "gpt-5-mini",
    // OpenAI itself claims bare `gpt-*`/`o*` names; arbitrary compatible servers do not.
    family: "openai",
  },
  Type.Object({
    store: Type.Optional(storeOption),
    organization: Type.Optional(Type.String({ minLength: 1, description: "Sent as the OpenAI-Organization header." })),
    project: Type.Optional(Type.String({ minLength: 1, description: "Sent as the OpenAI-Project header." })),
  }),
);

export const customOpenaiResponsesCompatibleKind = responsesKind(
  {
    kind: "custom-openai-responses-compatible",
    description: "Any server speaking the OpenAI Responses API at `base_url` (required); keys from `api_key`/`api_keys`/`api_key_env_var_root`.",
  },
  Type.Object({ backend_prefix: Type.Optional(backendPrefixOption), store: Type.Optional(storeOption) }),
);

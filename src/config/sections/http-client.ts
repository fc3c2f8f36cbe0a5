import Type from "typebox";
import { Duration } from "../units.ts";

/** Go keys Bun's fetch has no knob for: accepted so migrated configs load, and reported at startup as ignored. */
export const ignoredHttpClientKeys = ["dial_timeout", "tls_handshake_timeout", "keep_alive", "expect_continue_timeout", "max_idle_conns_per_host"] as const;

const goOnlyKeys = Object.fromEntries(
  ignoredHttpClientKeys.map((key) => [
    key,
    Type.Optional(Type.Union([Type.Number(), Type.String()], { description: "Accepted for compatibility with the Go distribution and ignored (logged at startup): Bun's fetch has no separate knob; response_header_timeout covers connect and TLS." })),
  ]),
);

/**
 * Upstream HTTP (`http_client:`), the Go distribution's key names where Bun can honour them.
 * Connections are pooled and kept alive by Bun's fetch; its dial/TLS phases have no separate
 * timers, so `response_header_timeout` bounds connect + TLS + waiting for headers together.
 */
export const HttpClientSection = Type.Object(
  {
    trust_environment_proxy: Type.Boolean({
      default: true,
      description: "Send upstream requests through HTTP_PROXY / HTTPS_PROXY / ALL_PROXY, minus NO_PROXY hosts. Loopback upstreams never use a proxy.",
    }),
    response_header_timeout: Duration({ default: "120s", description: "Longest wait from sending a request to the response headers (0 = none); a timeout fails over." }),
    stream_idle_timeout: Duration({ default: "5m", description: "Longest silence between two chunks of an upstream body, the first included (0 = none)." }),
    total_timeout: Duration({ default: 0, description: "Longest whole upstream attempt, body included (0 = none: long agent turns stream for minutes)." }),
    idle_conn_timeout: Duration({ default: "90s", description: "How long an idle keep-alive connection stays pooled." }),
    max_idle_conns: Type.Optional(Type.Integer({ minimum: 1, description: "Most idle pooled connections (default: Bun's own bound)." })),
    ...goOnlyKeys,
  },
  { additionalProperties: false, default: {}, description: "Upstream HTTP client: proxy, pooling and timeouts." },
);

/** `models:` bare model names clients may send, each served by one backend. */
export const ModelsSection = Type.Record(
  Type.String({ minLength: 1 }),
  Type.Object(
    {
      backend: Type.String({ minLength: 1, description: "Id of the backend that serves this name." }),
      provider_model_id: Type.String({ minLength: 1, description: "Model id sent to that backend." }),
    },
    { additionalProperties: false },
  ),
  { default: {}, description: "Model name → backend and provider model id, for requests whose `model` names no backend." },
);

import Type from "typebox";
import { Duration } from "../units.ts";

const CircuitBreaker = Type.Object(
  {
    enabled: Type.Boolean({ default: false, description: "Track backend health and skip backends whose circuit is open." }),
    failure_threshold: Type.Integer({
      minimum: 1,
      default: 5,
      description: "Consecutive counted failures (provider_degraded or global_rate_limit; a localized rate limit does not count) that open a backend's circuit.",
    }),
    open_for: Duration({ default: "30s", description: "How long an open circuit skips the backend before one half-open probe request is let through." }),
  },
  { additionalProperties: false, default: {}, description: "Per-backend circuit breaker with a half-open probe." },
);

export const RoutingHealth = Type.Object(
  {
    circuit_breaker: CircuitBreaker,
    degraded_signal: Type.String({
      minLength: 1,
      default: "[LLM_PROXY_PROVIDER_DEGRADED]",
      description: "Marker put in the error message when every candidate is open or degraded (HTTP 503, X-Llm-Proxy-Error-Class: provider_degraded), so SDK users can match the exception text.",
    }),
    test_mode: Type.Boolean({
      default: false,
      description: "Honour `X-LLM-Proxy-Test-Mode: force_degraded | force_transient_recover` (or `?llm_proxy_test_mode=`) from clients, for client integration tests. Keep off in production.",
    }),
  },
  { additionalProperties: false, default: {}, description: "Backend health: circuit breaker and the degraded signal." },
);

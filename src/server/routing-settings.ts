import type { RetryPolicy } from "../core/executor.ts";
import type { CircuitBreakerOptions } from "../core/routing/circuit-breaker.ts";
import type { ServerConfig } from "./server-config.ts";

export const defaultDegradedSignal = "[LLM_PROXY_PROVIDER_DEGRADED]";

/** Routing, continuity and diagnostics settings with every default filled in. */
export interface RoutingSettings {
  maxAttempts: number;
  retry: RetryPolicy;
  breaker: CircuitBreakerOptions;
  degradedSignal: string;
  testMode: boolean;
  keepaliveMs: number;
  continuity: { store: "memory" | "sqlite"; maxLegs: number; ttlMs?: number; sqlitePath: string; storedResponses: StoredResponsesSettings };
  diagnostics: { enabled: boolean; sharedSecret?: string; healthPath: string; attemptsPath: string; routeTracePath: string };
}

export interface StoredResponsesSettings {
  enabled: boolean;
  maxEntries: number;
  maxBytes: number;
  ttlMs?: number;
}

/** OpenAI keeps stored responses 30 days. */
const defaultStoredResponsesTtlMs = 30 * 86_400_000;

function storedResponsesSettings(section: NonNullable<ServerConfig["continuity"]>["stored_responses"]): StoredResponsesSettings {
  const ttl = section?.ttl ?? defaultStoredResponsesTtlMs;
  return {
    enabled: section?.enabled ?? true,
    maxEntries: section?.max_entries ?? 10_000,
    maxBytes: section?.max_bytes ?? 256 * 1024 * 1024,
    ...(ttl > 0 && { ttlMs: ttl }),
  };
}

export function routingSettings(config: ServerConfig): RoutingSettings {
  const routing = config.routing;
  const breaker = routing.health?.circuit_breaker;
  const continuity = config.continuity;
  const diagnostics = config.diagnostics;
  return {
    maxAttempts: routing.max_attempts ?? 3,
    retry: {
      maxRetries: routing.retry?.max_retries ?? 0,
      initialBackoffMs: routing.retry?.initial_backoff ?? 250,
      maxBackoffMs: routing.retry?.max_backoff ?? 5000,
    },
    breaker: {
      enabled: breaker?.enabled ?? false,
      failureThreshold: breaker?.failure_threshold ?? 5,
      openForMs: breaker?.open_for ?? 30_000,
    },
    degradedSignal: routing.health?.degraded_signal ?? defaultDegradedSignal,
    testMode: routing.health?.test_mode ?? false,
    keepaliveMs: config.server.stream_keepalive_interval,
    continuity: {
      store: continuity?.store ?? "memory",
      maxLegs: continuity?.max_legs ?? 100_000,
      // 0 means no expiry (the config default).
      ...(continuity?.ttl !== undefined && continuity.ttl > 0 && { ttlMs: continuity.ttl }),
      sqlitePath: continuity?.sqlite_path ?? "lipstd-continuity.sqlite",
      storedResponses: storedResponsesSettings(continuity?.stored_responses),
    },
    diagnostics: {
      enabled: diagnostics?.enabled ?? false,
      ...(diagnostics?.shared_secret && { sharedSecret: diagnostics.shared_secret }),
      healthPath: diagnostics?.health_path ?? "/diagnostics/health",
      attemptsPath: diagnostics?.attempts_path ?? "/diagnostics/attempts",
      routeTracePath: diagnostics?.route_trace_path ?? "/diagnostics/route-trace",
    },
  };
}

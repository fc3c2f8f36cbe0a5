import type { BackendConfig } from "../core/backend-kind.ts";
import type { ModelAlias } from "../core/routing/router.ts";

/**
 * The part of the loaded config the server reads. The config module's `LipConfig` satisfies it;
 * tests may build one by hand.
 */
export interface ServerConfig {
  server: {
    address: string;
    max_body_bytes: number;
    /** Milliseconds after load. */
    stream_keepalive_interval: number;
    limits: {
      max_messages: number;
      max_parts_per_message: number;
      max_tools: number;
      max_text_bytes: number;
      max_json_depth: number;
    };
  };
  backends: BackendConfig[];
  routing: RoutingConfig;
  model_aliases: ModelAlias[];
  /** Bare model names → backend id + provider model id (config `models:`). */
  models?: Record<string, { backend: string; provider_model_id: string }>;
  /** Upstream HTTP settings (config `http_client:`), durations in milliseconds after load. */
  http_client?: {
    trust_environment_proxy: boolean;
    response_header_timeout: number;
    stream_idle_timeout: number;
    total_timeout: number;
    idle_conn_timeout: number;
    max_idle_conns?: number;
  };
  continuity?: ContinuityConfig;
  diagnostics?: DiagnosticsConfig;
  features?: Record<string, Record<string, unknown> | undefined>;
}

/** Durations are milliseconds after load. Optional keys take the defaults in routing-settings.ts. */
export interface RoutingConfig {
  default_route?: string;
  max_attempts: number;
  retry?: { max_retries?: number; initial_backoff?: number; max_backoff?: number };
  health?: {
    circuit_breaker?: { enabled?: boolean; failure_threshold?: number; open_for?: number };
    degraded_signal?: string;
    /** Accept `X-LLM-Proxy-Test-Mode` from clients (integration tests only). */
    test_mode?: boolean;
  };
}

export interface ContinuityConfig {
  store?: "memory" | "sqlite";
  max_legs?: number;
  ttl?: number;
  sqlite_path?: string;
  /** Kept responses (Responses `previous_response_id`, retrieval); on by default. */
  stored_responses?: { enabled?: boolean; max_entries?: number; max_bytes?: number; ttl?: number };
}

export interface DiagnosticsConfig {
  enabled?: boolean;
  shared_secret?: string;
  health_path?: string;
  attempts_path?: string;
  route_trace_path?: string;
}

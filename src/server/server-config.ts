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
  routing: { default_route?: string; max_attempts: number };
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
  features?: Record<string, Record<string, unknown> | undefined>;
}

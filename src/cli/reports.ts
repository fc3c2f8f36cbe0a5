import type { BackendKind } from "../core/backend-kind.ts";
import type { FrontendCodec } from "../core/codec.ts";
import type { FeatureDefinition } from "../core/pipeline/feature-definition.ts";
import { stageDefinitions } from "../core/pipeline/stages.ts";
import { type CredentialPosture, credentialPosture } from "../config/credentials.ts";
import type { LipConfig } from "../config/schema.ts";

/** The JSON documents printed by `lipstd routes` and `lipstd inventory`. */

export interface RoutesReport {
  effective_default_route: string | null;
  backends: Array<{ id: string; kind: string; enabled: boolean }>;
  model_aliases: LipConfig["model_aliases"];
  credential_posture: CredentialPosture[];
}

const kindOf = (kinds: readonly BackendKind[], name: string) => kinds.find((kind) => kind.kind === name);

/**
 * `routing.default_route` when set; otherwise the first enabled backend with its default model
 * (the entry's, else the kind's). Without any, the router passes the client's model through.
 */
export function effectiveDefaultRoute(config: LipConfig, kinds: readonly BackendKind[]): string | null {
  if (config.routing.default_route !== undefined) return config.routing.default_route;
  const first = config.backends.find((backend) => backend.enabled);
  if (!first) return null;
  const model = first.default_model ?? kindOf(kinds, first.kind)?.defaultModel;
  return model === undefined ? `${first.id}:<client model>` : `${first.id}:${model}`;
}

export function routesReport(config: LipConfig, kinds: readonly BackendKind[], env: Record<string, string | undefined>): RoutesReport {
  return {
    effective_default_route: effectiveDefaultRoute(config, kinds),
    backends: config.backends.map(({ id, kind, enabled }) => ({ id, kind, enabled })),
    model_aliases: config.model_aliases,
    credential_posture: config.backends.map((backend) => credentialPosture(backend, kindOf(kinds, backend.kind), env)),
  };
}

export interface InventoryRegistry {
  frontends: readonly FrontendCodec[];
  backendKinds: readonly BackendKind[];
  features: readonly FeatureDefinition[];
}

export function inventoryReport(config: LipConfig, registry: InventoryRegistry) {
  const { server } = config;
  return {
    frontends: registry.frontends.map((frontend) => frontend.dialect),
    backends: registry.backendKinds.map((kind) => kind.kind),
    features: registry.features.map((feature) => feature.name),
    extensions: {
      stages: stageDefinitions.map(({ name, policy, side }) => ({ name, policy, side })),
    },
    server_limits: { max_body_bytes: server.max_body_bytes, ...server.limits },
  };
}

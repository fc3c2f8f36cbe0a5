import type { BackendKind } from "../core/backend-kind.ts";
import type { BackendInstance, FrontendCodec } from "../core/codec.ts";
import { LipError } from "../core/model/errors.ts";
import { explainPlan } from "../core/routing/explain.ts";
import { Router } from "../core/routing/router.ts";
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
  /** With `--explain SELECTOR`: the plan it compiles to (after model aliases). */
  explain?: Record<string, unknown>;
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

/** Enabled backends as the router sees them, without creating clients or reading keys. */
function routingStandIns(config: LipConfig, kinds: readonly BackendKind[]): BackendInstance[] {
  return config.backends
    .filter((backend) => backend.enabled)
    .map((backend) => ({
      id: backend.id,
      kind: backend.kind,
      defaultModel: backend.default_model ?? kindOf(kinds, backend.kind)?.defaultModel ?? "",
      models: () => [],
      stream: () => {
        throw new Error("routes --explain never calls a backend");
      },
    }));
}

/** The plan a selector compiles to; an invalid selector is reported as the router would. */
export function explainSelector(config: LipConfig, kinds: readonly BackendKind[], selector: string): Record<string, unknown> {
  const router = new Router({ backends: routingStandIns(config, kinds), aliases: config.model_aliases });
  try {
    return explainPlan(router.plan({ text: selector, source: "header" }), config.routing.max_attempts);
  } catch (thrown) {
    if (thrown instanceof LipError) throw new Error(`--explain: ${thrown.message}`);
    throw thrown;
  }
}

export function routesReport(config: LipConfig, kinds: readonly BackendKind[], env: Record<string, string | undefined>, explain?: string): RoutesReport {
  return {
    effective_default_route: effectiveDefaultRoute(config, kinds),
    backends: config.backends.map(({ id, kind, enabled }) => ({ id, kind, enabled })),
    model_aliases: config.model_aliases,
    credential_posture: config.backends.map((backend) => credentialPosture(backend, kindOf(kinds, backend.kind), env)),
    ...(explain !== undefined && { explain: explainSelector(config, kinds, explain) }),
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

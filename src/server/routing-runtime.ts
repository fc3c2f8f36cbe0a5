import type { BackendInstance, Logger } from "../core/codec.ts";
import { Continuity } from "../core/continuity/continuity.ts";
import { MemoryContinuityStore } from "../core/continuity/memory-store.ts";
import { SqliteContinuityStore } from "../core/continuity/sqlite-store.ts";
import type { ContinuityStore } from "../core/continuity/types.ts";
import { LipError } from "../core/model/errors.ts";
import { AffinityMemory } from "../core/routing/affinity-memory.ts";
import { CircuitBreaker } from "../core/routing/circuit-breaker.ts";
import { Router } from "../core/routing/router.ts";
import { RouteTrace } from "../core/routing/route-trace.ts";
import { routingSettings, type RoutingSettings } from "./routing-settings.ts";
import type { ServerConfig } from "./server-config.ts";

/** Everything routing keeps between requests: one per server. */
export interface RoutingRuntime {
  settings: RoutingSettings;
  router: Router;
  breaker: CircuitBreaker;
  affinity: AffinityMemory;
  continuity: Continuity;
  trace: RouteTrace;
}

function openStore(settings: RoutingSettings): ContinuityStore {
  const { store, maxLegs, ttlMs, sqlitePath } = settings.continuity;
  const limits = { maxLegs, ...(ttlMs !== undefined && { ttlMs }) };
  switch (store) {
    case "memory":
      return new MemoryContinuityStore(limits);
    case "sqlite":
      return new SqliteContinuityStore(sqlitePath, limits);
    default: {
      const exhaustive: never = store;
      return exhaustive;
    }
  }
}

/** Builds the router and its companions; a bad default route or alias fails startup, naming the key. */
export function createRoutingRuntime(config: ServerConfig, backends: readonly BackendInstance[], log: Logger): RoutingRuntime {
  const settings = routingSettings(config);
  const models = Object.entries(config.models ?? {}).map(([name, entry]) => ({ name, backend: entry.backend, providerModelId: entry.provider_model_id }));
  const router = new Router({ backends, ...(config.routing.default_route && { defaultRoute: config.routing.default_route }), aliases: config.model_aliases, models });
  if (config.routing.default_route) {
    try {
      router.check(config.routing.default_route);
    } catch (thrown) {
      throw new Error(`routing.default_route: ${thrown instanceof LipError ? thrown.message : String(thrown)}`);
    }
  }
  return {
    settings,
    router,
    breaker: new CircuitBreaker(settings.breaker),
    affinity: new AffinityMemory(),
    continuity: new Continuity(openStore(settings), log),
    trace: new RouteTrace(64),
  };
}

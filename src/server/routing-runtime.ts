import type { Database } from "bun:sqlite";
import type { BackendInstance, Logger } from "../core/codec.ts";
import { Continuity } from "../core/continuity/continuity.ts";
import { MemoryConversationStore } from "../core/continuity/conversation-memory-store.ts";
import { SqliteConversationStore } from "../core/continuity/conversation-sqlite-store.ts";
import type { ConversationStore } from "../core/continuity/conversation-types.ts";
import { Conversations } from "../core/continuity/conversations.ts";
import { MemoryContinuityStore } from "../core/continuity/memory-store.ts";
import { openContinuityDatabase } from "../core/continuity/sqlite-migrations.ts";
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
  /** Kept responses (`continuity.stored_responses`), in the same store as the lineage. */
  conversations: Conversations;
  trace: RouteTrace;
  close(): Promise<void>;
}

interface Stores {
  lineage: ContinuityStore;
  conversations?: ConversationStore;
  /** The SQLite database both stores share, closed after them. */
  database?: Database;
}

function openStores(settings: RoutingSettings): Stores {
  const { store, maxLegs, ttlMs, sqlitePath, storedResponses } = settings.continuity;
  const limits = { maxLegs, ...(ttlMs !== undefined && { ttlMs }) };
  const conversationLimits = {
    maxEntries: storedResponses.maxEntries,
    maxBytes: storedResponses.maxBytes,
    ...(storedResponses.ttlMs !== undefined && { ttlMs: storedResponses.ttlMs }),
  };
  switch (store) {
    case "memory":
      return {
        lineage: new MemoryContinuityStore(limits),
        ...(storedResponses.enabled && { conversations: new MemoryConversationStore(conversationLimits) }),
      };
    case "sqlite": {
      const database = openContinuityDatabase(sqlitePath);
      return {
        lineage: new SqliteContinuityStore(database, limits),
        ...(storedResponses.enabled && { conversations: new SqliteConversationStore(database, conversationLimits) }),
        database,
      };
    }
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
  const stores = openStores(settings);
  const continuity = new Continuity(stores.lineage, log);
  const conversations = new Conversations(stores.conversations, log);
  return {
    settings,
    router,
    breaker: new CircuitBreaker(settings.breaker),
    affinity: new AffinityMemory(),
    continuity,
    conversations,
    trace: new RouteTrace(64),
    async close() {
      await Promise.all([continuity.close(), conversations.close()]);
      stores.database?.close();
    },
  };
}

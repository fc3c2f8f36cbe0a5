import { type BackendKind, defaultHttpClientSettings, type HttpClientSettings } from "../core/backend-kind.ts";
import type { BackendInstance, FrontendCodec, FrontendServices, InboundRequest, Logger, ModelInfo } from "../core/codec.ts";
import { LipError, toCanonicalError } from "../core/model/errors.ts";
import { randomId } from "../core/model/ids.ts";
import { checkJsonDepth, type RequestLimits } from "../core/model/limits.ts";
import type { CanonicalCall } from "../core/model/call.ts";
import type { FeatureDefinition } from "../core/pipeline/feature-definition.ts";
import { Pipeline } from "../core/pipeline/pipeline.ts";
import type { Router } from "../core/routing/router.ts";
import * as registry from "../registry.ts";
import { ignoredHttpClientKeys } from "../config/sections/http-client.ts";
import { parseJsonBody, readBody } from "./body.ts";
import { ownerIdentity } from "./client-identity.ts";
import { diagnosticsResponse } from "./diagnostics.ts";
import { errorResponse } from "./error-response.ts";
import { generate, type GenerateDeps } from "./generate.ts";
import { createRoutingRuntime, type RoutingRuntime } from "./routing-runtime.ts";
import { compilePattern } from "./route-pattern.ts";
import type { ServerConfig } from "./server-config.ts";

export interface Registry {
  frontends: readonly FrontendCodec[];
  backendKinds: readonly BackendKind[];
  features: readonly FeatureDefinition[];
}

export interface AppOptions {
  log: Logger;
  registry?: Registry;
  env?: Record<string, string | undefined>;
}

interface Route {
  method: string;
  match: (pathname: string) => Record<string, string> | undefined;
  frontend: FrontendCodec;
  when?: (request: Request) => boolean;
  handle: (request: Request, inbound: InboundRequest, timeout: (request: Request) => void) => Promise<Response> | Response;
}

export interface App {
  /** `peer` is the client's IP address when known (diagnostics admit loopback without a secret). */
  fetch(request: Request, disableIdleTimeout: (request: Request) => void, peer?: string): Promise<Response>;
  backends: readonly BackendInstance[];
  pipeline: Pipeline;
  router: Router;
  runtime: RoutingRuntime;
  close(): Promise<void>;
}

function limitsOf(config: ServerConfig): RequestLimits {
  const limits = config.server.limits;
  return {
    maxBodyBytes: config.server.max_body_bytes,
    maxMessages: limits.max_messages,
    maxPartsPerMessage: limits.max_parts_per_message,
    maxTools: limits.max_tools,
    maxTextBytes: limits.max_text_bytes,
    maxJsonDepth: limits.max_json_depth,
  };
}

/** One settings object per server: backends share its keep-alive pool. */
export function httpClientSettings(config: ServerConfig): HttpClientSettings {
  const section = config.http_client;
  if (!section) return defaultHttpClientSettings;
  return {
    trustEnvironmentProxy: section.trust_environment_proxy,
    responseHeaderTimeoutMs: section.response_header_timeout,
    streamIdleTimeoutMs: section.stream_idle_timeout,
    totalTimeoutMs: section.total_timeout,
    idleConnectionTimeoutMs: section.idle_conn_timeout,
    ...(section.max_idle_conns !== undefined && { maxIdleConnections: section.max_idle_conns }),
  };
}

export function createBackends(config: ServerConfig, kinds: readonly BackendKind[], options: AppOptions): BackendInstance[] {
  const http = httpClientSettings(config);
  const ignored = Object.keys(config.http_client ?? {}).filter((key) => (ignoredHttpClientKeys as readonly string[]).includes(key));
  if (ignored.length > 0) options.log("warn", "http_client keys ignored: Bun's fetch has no separate knob for them", { keys: ignored.join(",") });
  return config.backends
    .filter((entry) => entry.enabled !== false)
    .map((entry) => {
      const kind = kinds.find((candidate) => candidate.kind === entry.kind);
      if (!kind) throw new Error(`backends: unknown kind '${entry.kind}' for backend '${entry.id}'`);
      return kind.create(entry, { env: options.env ?? process.env, log: options.log, http });
    });
}

export function createPipeline(config: ServerConfig, definitions: readonly FeatureDefinition[], log: Logger): Pipeline {
  const features = definitions.flatMap((definition) => {
    const feature = definition.create(config.features?.[definition.name], log);
    return feature ? [feature] : [];
  });
  return new Pipeline(features);
}

/** Builds the request handler: routes of every registered frontend, the pipeline, router and executor. */
export function createApp(config: ServerConfig, options: AppOptions): App {
  const { log } = options;
  const table = options.registry ?? registry;
  const limits = limitsOf(config);
  const backends = createBackends(config, table.backendKinds, options);
  const pipeline = createPipeline(config, table.features, log);
  const runtime = createRoutingRuntime(config, backends, log);
  const { router } = runtime;
  const deps: GenerateDeps = { runtime, pipeline, limits, log };

  const services: FrontendServices = {
    // Table names route as they are; backend models by `prefix:model`.
    listModels: (): ModelInfo[] => [
      ...router.models.entries().map(({ name, backendId }) => ({ id: name, backendId, selector: name })),
      ...backends.flatMap((backend) => backend.models().map((model) => ({ ...model, selector: `${backend.prefix ?? backend.id}:${model.id}` }))),
    ],
    async countTokens(call: CanonicalCall, headers: Headers): Promise<number> {
      const candidate = router.firstCandidate(call.model, headers);
      const backend = candidate?.backend;
      if (candidate && backend?.countTokens) {
        return backend.countTokens(call, {
          model: candidate.model,
          signal: AbortSignal.timeout(30_000),
          aLegId: randomId("a_"),
          bLegId: randomId("b_"),
          clientHeaders: headers,
          log,
        });
      }
      return Math.ceil(JSON.stringify(call.messages).length / 4);
    },
    async readJsonBody(request: Request): Promise<unknown> {
      const body = parseJsonBody(await readBody(request, limits.maxBodyBytes));
      checkJsonDepth(body, limits.maxJsonDepth);
      return body;
    },
    continueCall: (call, headers) => runtime.conversations.continueCall(call, ownerIdentity(headers)),
    ...(runtime.conversations.enabled && {
      storedResponses: {
        get: (id, headers) => runtime.conversations.load(id, ownerIdentity(headers)),
        delete: (id, headers) => runtime.conversations.remove(id, ownerIdentity(headers)),
      },
    }),
  };

  const routes: Route[] = [];
  for (const frontend of table.frontends) {
    for (const pattern of frontend.generateRoutes) {
      routes.push({ method: "POST", match: compilePattern(pattern), frontend, handle: (request, inbound, timeout) => generate(deps, frontend, request, inbound, timeout) });
    }
    for (const extra of frontend.extraRoutes ?? []) {
      routes.push({
        method: extra.method,
        match: compilePattern(extra.pattern),
        frontend,
        ...(extra.when && { when: extra.when }),
        handle: (request, inbound) => extra.handle(request, inbound, services),
      });
    }
  }
  // A route with a predicate claims only the requests it recognises (GET /v1/models from a Google
  // client), so it is tried before another dialect's unconditional route on the same path.
  routes.sort((a, b) => Number(b.when !== undefined) - Number(a.when !== undefined));
  const fallbackFrontend = table.frontends[0];

  function errorFrontendFor(pathname: string): FrontendCodec | undefined {
    const head = pathname.split("/").slice(0, 3).join("/");
    return table.frontends.find((frontend) => frontend.generateRoutes.some((route) => route.startsWith(head) && head.length > 3)) ?? fallbackFrontend;
  }

  return {
    backends,
    pipeline,
    router,
    runtime,
    async fetch(request, disableIdleTimeout, peer) {
      const url = new URL(request.url);
      const { pathname } = url;
      // Diagnostics are GET/HEAD only: a generate POST does not pay for the lookup.
      if (request.method === "GET" || request.method === "HEAD") {
        const diagnostics = await diagnosticsResponse(runtime, backends, request, url, peer);
        if (diagnostics) return diagnostics;
      }
      if (pathname === "/" && (request.method === "HEAD" || request.method === "GET")) {
        return request.method === "HEAD" ? new Response(null, { status: 200 }) : Response.json({ name: "lipstd", status: "ok" });
      }
      if (pathname === "/healthz" && (request.method === "GET" || request.method === "HEAD")) {
        return Response.json({ status: "ok", backends: backends.length });
      }
      let pathMatched: Route | undefined;
      for (const route of routes) {
        const params = route.match(pathname);
        if (!params) continue;
        if (route.when && !route.when(request)) continue;
        pathMatched ??= route;
        if (route.method !== request.method && !(route.method === "GET" && request.method === "HEAD")) continue;
        const inbound: InboundRequest = { url, headers: request.headers, params, limits, log, ...(peer !== undefined && { peer }) };
        try {
          return await route.handle(request, inbound, disableIdleTimeout);
        } catch (thrown) {
          if (!(thrown instanceof LipError)) log("error", "internal fault", { path: pathname, error: thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown) });
          return errorResponse(route.frontend, toCanonicalError(thrown));
        }
      }
      const frontend = pathMatched?.frontend ?? errorFrontendFor(pathname);
      const error = pathMatched
        ? new LipError("invalid_request", `method ${request.method} not allowed on ${pathname}`, { status: 405, code: "method_not_allowed" })
        : new LipError("not_found", `unknown route ${request.method} ${pathname}`, { code: "unknown_route" });
      return errorResponse(frontend, error.error);
    },
    async close() {
      await Promise.all(backends.map((backend) => backend.close?.()));
      await runtime.close();
    },
  };
}

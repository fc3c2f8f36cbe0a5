import { type BackendEnvironment, defaultHttpClientSettings, type HttpClientSettings } from "../../core/backend-kind.ts";
import { LipError } from "../../core/model/errors.ts";
import { proxyFor } from "./environment-proxy.ts";
import { transportError } from "./upstream-error.ts";

type Env = Record<string, string | undefined>;

/** One keep-alive pool per settings object: every backend of a server shares it. */
const sessions = new WeakMap<HttpClientSettings, Bun.FetchSession>();

function sessionFor(settings: HttpClientSettings): Bun.FetchSession {
  let session = sessions.get(settings);
  if (!session) {
    session = new Bun.FetchSession({
      keepAlive: {
        idleTimeout: Math.max(1, Math.ceil(settings.idleConnectionTimeoutMs / 1000)),
        ...(settings.maxIdleConnections !== undefined && { maxIdleSockets: settings.maxIdleConnections }),
      },
    });
    sessions.set(settings, session);
  }
  return session;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}

/** A timeout as the recoverable canonical error (failover applies before output). */
export function upstreamTimeout(backendId: string, what: "headers" | "idle" | "total", ms: number): LipError {
  const message =
    what === "headers"
      ? `upstream ${backendId} sent no response headers within ${seconds(ms)}`
      : what === "idle"
        ? `upstream ${backendId} stream was silent for ${seconds(ms)}`
        : `upstream ${backendId} exceeded the total timeout of ${seconds(ms)}`;
  return new LipError("timeout", message, { status: 504, recoverable: true, code: `upstream_${what}_timeout` });
}

function isTimeoutReason(reason: unknown): boolean {
  return reason instanceof DOMException && reason.name === "TimeoutError";
}

/**
 * The HTTP side of a backend: proxy choice, pooled connections and the `http_client` timeouts.
 * Failures come out as canonical errors: cancelled (client gone), timeout, or transport.
 */
export interface UpstreamHttp {
  readonly settings: HttpClientSettings;
  /** The attempt's signal bounded by the total timeout; pass it to `fetch` so it covers the body too. */
  attemptSignal(signal: AbortSignal): AbortSignal;
  fetch(backendId: string, url: string, init: { method: string; body?: string; headers: Record<string, string>; signal: AbortSignal }): Promise<Response>;
  /** Map a failure while reading a body (total timeout, cancel) to a canonical error, or undefined. */
  bodyFailure(backendId: string, signal: AbortSignal): LipError | undefined;
}

export function createUpstreamHttp(settings: HttpClientSettings = defaultHttpClientSettings, env: Env = process.env): UpstreamHttp {
  const session = sessionFor(settings);
  function aborted(backendId: string, signal: AbortSignal): LipError | undefined {
    if (!signal.aborted) return undefined;
    if (isTimeoutReason(signal.reason)) return upstreamTimeout(backendId, "total", settings.totalTimeoutMs);
    return new LipError("cancelled", "request cancelled");
  }
  return {
    settings,
    attemptSignal(signal) {
      return settings.totalTimeoutMs > 0 ? AbortSignal.any([signal, AbortSignal.timeout(settings.totalTimeoutMs)]) : signal;
    },
    async fetch(backendId, url, init) {
      const headerLimit = new AbortController();
      const timer = settings.responseHeaderTimeoutMs > 0 ? setTimeout(() => headerLimit.abort(), settings.responseHeaderTimeoutMs) : undefined;
      try {
        return await session.fetch(url, {
          method: init.method,
          body: init.body,
          headers: init.headers,
          signal: timer ? AbortSignal.any([init.signal, headerLimit.signal]) : init.signal,
          proxy: proxyFor(new URL(url), env, settings.trustEnvironmentProxy),
        });
      } catch (thrown) {
        const cause = aborted(backendId, init.signal);
        if (cause) throw cause;
        if (headerLimit.signal.aborted) throw upstreamTimeout(backendId, "headers", settings.responseHeaderTimeoutMs);
        throw transportError(backendId, thrown);
      } finally {
        clearTimeout(timer);
      }
    },
    bodyFailure: aborted,
  };
}

/** The UpstreamHttp of a backend environment (defaults when the server passed no settings). */
export function upstreamHttpFor(environment: Pick<BackendEnvironment, "env" | "http">): UpstreamHttp {
  return createUpstreamHttp(environment.http ?? defaultHttpClientSettings, environment.env);
}

import { createHash, timingSafeEqual } from "node:crypto";
import type { BackendInstance } from "../core/codec.ts";
import type { AttemptRecord } from "../core/executor.ts";
import type { RoutingRuntime } from "./routing-runtime.ts";

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** The attempt record as diagnostics show it (snake_case, the reference's field names). */
export function attemptJson(record: AttemptRecord): Record<string, unknown> {
  return {
    b_leg_id: record.bLegId,
    a_leg_id: record.aLegId,
    seq: record.seq,
    backend_id: record.backendId,
    effective_model: record.model,
    role: record.role,
    started_at: iso(record.startedAt),
    first_output_at: iso(record.firstOutputAt),
    finished_at: iso(record.finishedAt),
    outcome: record.outcome ?? null,
    reason: record.reason ?? null,
    failure_class: record.failureClass ?? null,
  };
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Constant-time secret check: hashing first makes the comparison length-independent. */
function secretMatches(given: string | null, expected: string): boolean {
  return given !== null && timingSafeEqual(digest(given), digest(expected));
}

function isLoopback(peer: string | undefined): boolean {
  return peer === "127.0.0.1" || peer === "::1" || peer === "::ffff:127.0.0.1" || (peer?.startsWith("127.") ?? false);
}

/**
 * `diagnostics.*` endpoints: health (open), attempts of an A-leg and the route trace (behind
 * `X-LIP-Diagnostics-Secret`; without a configured secret, loopback clients only).
 * Returns undefined when the path is not a diagnostics path.
 */
export async function diagnosticsResponse(
  runtime: RoutingRuntime,
  backends: readonly BackendInstance[],
  request: Request,
  url: URL,
  peer: string | undefined,
): Promise<Response | undefined> {
  const settings = runtime.settings.diagnostics;
  if (!settings.enabled || (request.method !== "GET" && request.method !== "HEAD")) return undefined;
  const { pathname } = url;
  if (pathname === settings.healthPath) {
    const circuits = new Map(runtime.breaker.snapshot().map((entry) => [entry.backend, entry]));
    return Response.json({
      status: "ok",
      continuity_store: runtime.continuity.store.kind,
      backends: backends.map((backend) => ({
        id: backend.id,
        kind: backend.kind,
        circuit: runtime.breaker.state(backend.id),
        consecutive_failures: circuits.get(backend.id)?.consecutive_failures ?? 0,
      })),
    });
  }
  const attempts = pathname === settings.attemptsPath || pathname.startsWith(`${settings.attemptsPath}/`);
  if (!attempts && pathname !== settings.routeTracePath) return undefined;
  const allowed = settings.sharedSecret ? secretMatches(request.headers.get("x-lip-diagnostics-secret"), settings.sharedSecret) : isLoopback(peer);
  if (!allowed) return Response.json({ error: { message: "diagnostics: missing or wrong X-LIP-Diagnostics-Secret", type: "permission_error" } }, { status: 403 });
  if (!attempts) {
    return Response.json({
      decisions: runtime.trace.list().map((decision) => ({
        at: iso(decision.at),
        a_leg_id: decision.aLegId,
        selector: decision.selector,
        source: decision.source,
        first_turn: decision.firstTurn,
        committed: decision.committed ?? null,
        error: decision.error ?? null,
        attempts: decision.attempts.map(attemptJson),
      })),
    });
  }
  let aLegId: string | null;
  try {
    aLegId = pathname.length > settings.attemptsPath.length ? decodeURIComponent(pathname.slice(settings.attemptsPath.length + 1)) : url.searchParams.get("a_leg_id");
  } catch {
    aLegId = null;
  }
  if (!aLegId) return Response.json({ error: { message: `diagnostics: give an A-leg id as ${settings.attemptsPath}/<a_leg_id> or ?a_leg_id=`, type: "invalid_request_error" } }, { status: 400 });
  const records = await runtime.continuity.attempts(aLegId);
  return Response.json({ a_leg_id: aLegId, attempts: records.map(attemptJson) });
}

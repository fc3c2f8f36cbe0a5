import type { FrontendCodec, InboundRequest, Logger } from "../core/codec.ts";
import { execute, type Execution } from "../core/executor.ts";
import { checkCallLimits, checkJsonDepth, type RequestLimits } from "../core/model/limits.ts";
import { toCanonicalError } from "../core/model/errors.ts";
import type { Pipeline, RequestContext } from "../core/pipeline/pipeline.ts";
import { estimateContextTokens } from "../core/routing/context-size.ts";
import type { RouteDecision } from "../core/routing/route-trace.ts";
import { parseJsonBody, readBody } from "./body.ts";
import { clientIdentity, conversationScope, ownerIdentity } from "./client-identity.ts";
import { errorResponse } from "./error-response.ts";
import { jsonResponse, streamResponse } from "./respond.ts";
import { prepareKeeping, type ResponseKeeper } from "./response-storage.ts";
import type { RoutingRuntime } from "./routing-runtime.ts";
import { requestedTestMode } from "./test-mode.ts";

export interface GenerateDeps {
  runtime: RoutingRuntime;
  pipeline: Pipeline;
  limits: RequestLimits;
  log: Logger;
}

/** True once `promise` settles (either way) within `ms`, false when the wait runs out first. */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const settled = () => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(settled, settled);
  });
}

/**
 * One generate request: decode, run the request stages, route, execute, respond. A streaming
 * request whose first token takes longer than `server.stream_keepalive_interval` gets its
 * response started with keepalives; a later failure then arrives as the dialect's error event.
 */
export async function generate(
  deps: GenerateDeps,
  frontend: FrontendCodec,
  request: Request,
  inbound: InboundRequest,
  disableIdleTimeout: (request: Request) => void,
): Promise<Response> {
  const { runtime, pipeline, limits, log } = deps;
  const { router, settings } = runtime;
  // Models may think for minutes before the first byte: the idle cut must not apply here.
  disableIdleTimeout(request);
  const body = parseJsonBody(await readBody(request, limits.maxBodyBytes));
  checkJsonDepth(body, limits.maxJsonDepth);
  let decoded = frontend.decode(body, inbound);
  // Stateless requests (Codex sends store: false) skip all of this; only a continuation waits for the store.
  let keeper: ResponseKeeper | undefined;
  if (decoded.continuation) {
    const owner = ownerIdentity(request.headers);
    if (decoded.continuation.previousId !== undefined) decoded = await runtime.conversations.continueCall(decoded, owner);
    ({ call: decoded, keeper } = prepareKeeping(runtime.conversations, frontend, decoded, owner, pipeline));
  }
  checkCallLimits(decoded, limits);
  const context: RequestContext = { call: decoded, headers: request.headers, dialect: frontend.dialect, state: new Map(), log };
  await pipeline.runRequestStages(context);
  const call = context.call;
  const testMode = requestedTestMode(request, inbound.url, settings.testMode);
  const choice = router.selectorFor(call.model, request.headers, context.routeHint);
  const plan = router.plan(choice);
  const begun = runtime.continuity.beginTurn(request.headers, call, () => clientIdentity(request.headers, call), conversationScope(request.headers, inbound.url, call, inbound.peer));
  const turn = begun instanceof Promise ? await begun : begun;
  const headers = { "x-lip-a-leg-id": turn.aLegId };
  let tokens: number | undefined;
  const decision: RouteDecision = { at: Date.now(), aLegId: turn.aLegId, selector: plan.selector, source: plan.source, firstTurn: turn.conversation.firstTurn, attempts: [] };
  const pending: Promise<Execution> = execute({
    call,
    plan,
    conversation: turn.conversation,
    affinity: runtime.affinity,
    breaker: runtime.breaker,
    maxAttempts: settings.maxAttempts,
    retry: settings.retry,
    degradedSignal: settings.degradedSignal,
    ...(testMode && { testMode }),
    signal: request.signal,
    context,
    pipeline,
    log,
    sink: {
      update(record) {
        if (!decision.attempts.includes(record)) decision.attempts.push(record);
        turn.sink.update(record);
      },
    },
    onFinished: turn.end,
    nextSeq: turn.nextSeq,
    contextTokens: () => (tokens ??= estimateContextTokens(call)),
  });
  runtime.trace.push(decision);
  pending.then(
    (execution) => {
      decision.committed = execution.candidate.key;
    },
    (thrown) => {
      decision.error = toCanonicalError(thrown).message;
      turn.end();
    },
  );

  const encoderFor = () => {
    const encoder = frontend.createStreamEncoder(call, inbound);
    return keeper ? keeper.encoder(encoder, call) : encoder;
  };

  // An interval of 0 turns the pre-first-token keepalive off.
  if (call.stream && settings.keepaliveMs > 0) {
    if (!(await settlesWithin(pending, settings.keepaliveMs))) {
      return streamResponse(encoderFor(), pending, { headers, pipeline, context, keepaliveMs: settings.keepaliveMs });
    }
  }
  let execution: Execution;
  try {
    execution = await pending;
  } catch (thrown) {
    const failed = errorResponse(frontend, toCanonicalError(thrown));
    failed.headers.set("x-lip-a-leg-id", turn.aLegId);
    return failed;
  }
  if (call.stream) {
    return streamResponse(encoderFor(), execution.batches, { headers, pipeline, context });
  }
  return jsonResponse(keeper ? keeper.frontend() : frontend, call, execution.batches, { headers, pipeline, context });
}

/** The executor: where a request goes once routed, and what the client sees when backends fail. */
export { execute } from "./executor/execute.ts";
export { degradedError, errorClassHeader } from "./executor/final-error.ts";
export type { AttemptOutcome, AttemptRecord, AttemptSink, ExecuteRequest, Execution, RetryPolicy, TestMode } from "./executor/types.ts";
export type { Candidate } from "./routing/route-plan.ts";

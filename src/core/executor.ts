/** The executor: where a request goes once routed, and what the client sees when backends fail. */
export { execute } from "./executor/execute.ts";
export type { AttemptRecord, Execution, RetryPolicy, TestMode } from "./executor/types.ts";

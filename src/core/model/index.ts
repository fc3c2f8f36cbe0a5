export * from "./call.ts";
export * from "./errors.ts";
export * from "./event-checker.ts";
export * from "./events.ts";
export * from "./ids.ts";
export * from "./limits.ts";
export * from "./parts.ts";
export * from "./usage.ts";

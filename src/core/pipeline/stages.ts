/**
 * The 16 hook stages of the reference, in execution order, with their default failure policy.
 * `closed`: a throwing handler fails the request; `open`: it is logged and skipped.
 * `side` says what a handler receives: the request once, each attempt, each event, the
 * completed response, or the encoded bytes.
 */
export const stageDefinitions = [
  { name: "transport_authentication", policy: "closed", side: "request" },
  { name: "session_open", policy: "open", side: "request" },
  { name: "secret_guard", policy: "closed", side: "request" },
  { name: "submit_request", policy: "open", side: "request" },
  { name: "tool_catalog_filter", policy: "open", side: "request" },
  { name: "request_wide_shaping", policy: "open", side: "request" },
  { name: "pre_request_admission", policy: "open", side: "request" },
  { name: "route_hinting", policy: "open", side: "request" },
  { name: "candidate_attempt_transform", policy: "open", side: "attempt" },
  { name: "attempt_lifecycle", policy: "open", side: "attempt" },
  { name: "stream_event_mutation", policy: "open", side: "event" },
  { name: "tool_event_reaction", policy: "open", side: "event" },
  { name: "completion_gating", policy: "open", side: "event" },
  { name: "final_stream_observation", policy: "open", side: "completion" },
  { name: "traffic_observation", policy: "open", side: "completion" },
  { name: "egress_encoding", policy: "closed", side: "egress" },
] as const;

export type StageName = (typeof stageDefinitions)[number]["name"];
export type FailurePolicy = "open" | "closed";

/**
 * The OpenResponses schemas (openresponses.org; openresponses/openresponses
 * `public/openapi/openapi.json`, release 2026-04-24, and the zod validators its compliance suite
 * generates from it), written here as our own checker. The suite parses the final response with
 * its `ResponseResource` validator and every streamed event with the union of streaming-event
 * validators; these functions apply the same rules and return readable errors instead.
 *
 * Where published versions differ, the stricter rule is kept so passing here passes each:
 * `output_text.logprobs` (required by the January validators) and `user` (required by the
 * January `ResponseResource`) are required. Objects are open: unknown fields pass, as in zod.
 * One rule cannot be both: the reasoning-text stream events are `response.reasoning.delta/done`
 * in the TypeSpec source and `response.reasoning_text.delta/done` (OpenAI's names, which
 * lipstd emits) in the generated validators, so either name is accepted.
 */
type Json = Record<string, any>;
/** Errors of `value` at `path`; empty when it conforms. */
type Check = (value: unknown, path: string) => string[];

const show = (value: unknown) => (value === undefined ? "undefined" : JSON.stringify(value)?.slice(0, 80));
const is = (test: (value: unknown) => boolean, expected: string): Check => (value, path) => (test(value) ? [] : [`${path}: expected ${expected}, got ${show(value)}`]);

const string = is((value) => typeof value === "string", "string");
const integer = is((value) => Number.isInteger(value), "integer");
const number = is((value) => typeof value === "number" && Number.isFinite(value), "number");
const boolean = is((value) => typeof value === "boolean", "boolean");
const anything: Check = () => [];
const isObject = (value: unknown): value is Json => value !== null && typeof value === "object" && !Array.isArray(value);
const anyObject = is(isObject, "object");
const oneOf = (...values: string[]): Check => is((value) => values.includes(value as string), values.map((value) => `'${value}'`).join(" | "));
const nullable = (check: Check): Check => (value, path) => (value === null ? [] : check(value, path));

function arrayOf(check: Check): Check {
  return (value, path) => (Array.isArray(value) ? value.flatMap((entry, i) => check(entry, `${path}[${i}]`)) : [`${path}: expected array, got ${show(value)}`]);
}

/** Required keys must be present (null only where the check allows it); optional keys, when present, must conform (null included). */
function object(required: Record<string, Check>, optional: Record<string, Check> = {}): Check {
  return (value, path) => {
    if (!isObject(value)) return [`${path}: expected object, got ${show(value)}`];
    const errors: string[] = [];
    for (const [key, check] of Object.entries(required)) {
      if (!(key in value)) errors.push(`${path}.${key}: required`);
      else errors.push(...check(value[key], `${path}.${key}`));
    }
    for (const [key, check] of Object.entries(optional)) if (key in value) errors.push(...check(value[key], `${path}.${key}`));
    return errors;
  };
}

/** One variant per `type`; a value whose type names none fails with the list of allowed types. */
function byType(variants: Record<string, Check>): Check {
  return (value, path) => {
    const type = isObject(value) ? value.type : undefined;
    const variant = typeof type === "string" ? variants[type] : undefined;
    if (!variant) return [`${path}.type: expected one of ${Object.keys(variants).join(", ")}, got ${show(type)}`];
    return variant(value, path);
  };
}

const typed = (type: string, required: Record<string, Check> = {}, optional: Record<string, Check> = {}): Check => object({ type: oneOf(type), ...required }, optional);

const topLogprob = object({ token: string, logprob: number, bytes: arrayOf(integer) });
const logprob = object({ token: string, logprob: number, bytes: arrayOf(integer), top_logprobs: arrayOf(topLogprob) });
const annotation = typed("url_citation", { url: string, start_index: integer, end_index: integer, title: string });

const contentVariants: Record<string, Check> = {
  input_text: typed("input_text", { text: string }),
  output_text: typed("output_text", { text: string, annotations: arrayOf(annotation), logprobs: arrayOf(logprob) }),
  text: typed("text", { text: string }),
  summary_text: typed("summary_text", { text: string }),
  reasoning_text: typed("reasoning_text", { text: string }),
  refusal: typed("refusal", { refusal: string }),
  input_image: typed("input_image", { image_url: nullable(string), detail: oneOf("low", "high", "auto") }),
  input_file: typed("input_file", {}, { filename: string, file_url: string }),
};
/** The content-part union of reasoning items and part events; messages may also hold video. */
const contentPart = byType(contentVariants);
const messageContent = byType({ ...contentVariants, input_video: typed("input_video", { video_url: string }) });

const itemStatus = oneOf("in_progress", "completed", "incomplete");

const itemField = byType({
  message: typed("message", { id: string, status: itemStatus, role: oneOf("user", "assistant", "system", "developer"), content: arrayOf(messageContent) }, { phase: oneOf("commentary", "final_answer") }),
  function_call: typed("function_call", { id: string, call_id: string, name: string, arguments: string, status: itemStatus }),
  function_call_output: typed("function_call_output", {
    id: string,
    call_id: string,
    output: (value, path) => (typeof value === "string" ? [] : arrayOf(byType({ input_text: contentVariants.input_text!, input_image: contentVariants.input_image!, input_file: contentVariants.input_file! }))(value, path)),
    status: itemStatus,
  }),
  reasoning: typed("reasoning", { id: string, summary: arrayOf(contentPart) }, { content: arrayOf(contentPart), encrypted_content: string }),
  compaction: typed("compaction", { id: string, encrypted_content: string }, { created_by: string }),
});

const functionToolChoice = typed("function", {}, { name: string });
const toolChoiceValue = oneOf("none", "auto", "required");
const toolChoice: Check = (value, path) => (typeof value === "string" ? toolChoiceValue(value, path) : byType({ function: functionToolChoice, allowed_tools: typed("allowed_tools", { tools: arrayOf(functionToolChoice), mode: toolChoiceValue }) })(value, path));

const tool = typed("function", { name: string, description: nullable(string), parameters: nullable(anyObject), strict: nullable(boolean) });

const textField = object(
  {
    format: byType({
      text: typed("text"),
      json_object: typed("json_object"),
      json_schema: typed("json_schema", { name: string, description: nullable(string), schema: nullable(anyObject), strict: boolean }),
    }),
  },
  { verbosity: oneOf("low", "medium", "high") },
);

const reasoning = object({ effort: nullable(oneOf("none", "low", "medium", "high", "xhigh")), summary: nullable(oneOf("concise", "detailed", "auto")) });

const usage = object({
  input_tokens: integer,
  output_tokens: integer,
  total_tokens: integer,
  input_tokens_details: object({ cached_tokens: integer }),
  output_tokens_details: object({ reasoning_tokens: integer }),
});

const responseResource = object({
  id: string,
  object: oneOf("response"),
  created_at: integer,
  completed_at: nullable(integer),
  status: string,
  incomplete_details: nullable(object({ reason: string })),
  model: string,
  previous_response_id: nullable(string),
  instructions: nullable(string),
  output: arrayOf(itemField),
  error: nullable(object({ code: string, message: string })),
  tools: arrayOf(tool),
  tool_choice: toolChoice,
  truncation: oneOf("auto", "disabled"),
  parallel_tool_calls: boolean,
  text: textField,
  top_p: number,
  presence_penalty: number,
  frequency_penalty: number,
  top_logprobs: integer,
  temperature: number,
  reasoning: nullable(reasoning),
  user: nullable(string),
  usage: nullable(usage),
  max_output_tokens: nullable(integer),
  max_tool_calls: nullable(integer),
  store: boolean,
  background: boolean,
  service_tier: string,
  metadata: anything,
  safety_identifier: nullable(string),
  prompt_cache_key: nullable(string),
});

const event = (type: string, fields: Record<string, Check>, optional: Record<string, Check> = {}): Check => typed(type, { sequence_number: integer, ...fields }, optional);
const onItem = { item_id: string, output_index: integer };
const onContent = { ...onItem, content_index: integer };
const onSummary = { ...onItem, summary_index: integer };
const padding = { obfuscation: string };
const reasoningDelta = (type: string) => event(type, { ...onContent, delta: string }, padding);
const reasoningDone = (type: string) => event(type, { ...onContent, text: string });

const responseEvents = ["response.created", "response.queued", "response.in_progress", "response.completed", "response.failed", "response.incomplete"];

const streamingEvent = byType({
  ...Object.fromEntries(responseEvents.map((type) => [type, event(type, { response: responseResource })])),
  "response.output_item.added": event("response.output_item.added", { output_index: integer, item: nullable(itemField) }),
  "response.output_item.done": event("response.output_item.done", { output_index: integer, item: nullable(itemField) }),
  "response.reasoning_summary_part.added": event("response.reasoning_summary_part.added", { ...onSummary, part: contentPart }),
  "response.reasoning_summary_part.done": event("response.reasoning_summary_part.done", { ...onSummary, part: contentPart }),
  "response.content_part.added": event("response.content_part.added", { ...onContent, part: contentPart }),
  "response.content_part.done": event("response.content_part.done", { ...onContent, part: contentPart }),
  "response.output_text.delta": event("response.output_text.delta", { ...onContent, delta: string }, { logprobs: arrayOf(logprob), ...padding }),
  "response.output_text.done": event("response.output_text.done", { ...onContent, text: string }, { logprobs: arrayOf(logprob) }),
  "response.refusal.delta": event("response.refusal.delta", { ...onContent, delta: string }),
  "response.refusal.done": event("response.refusal.done", { ...onContent, refusal: string }),
  "response.reasoning.delta": reasoningDelta("response.reasoning.delta"),
  "response.reasoning.done": reasoningDone("response.reasoning.done"),
  "response.reasoning_text.delta": reasoningDelta("response.reasoning_text.delta"),
  "response.reasoning_text.done": reasoningDone("response.reasoning_text.done"),
  "response.reasoning_summary_text.delta": event("response.reasoning_summary_text.delta", { ...onSummary, delta: string }, padding),
  "response.reasoning_summary_text.done": event("response.reasoning_summary_text.done", { ...onSummary, text: string }),
  "response.output_text.annotation.added": event("response.output_text.annotation.added", { ...onContent, annotation_index: integer, annotation: nullable(annotation) }),
  "response.function_call_arguments.delta": event("response.function_call_arguments.delta", { ...onItem, delta: string }, padding),
  "response.function_call_arguments.done": event("response.function_call_arguments.done", { ...onItem, arguments: string }),
  error: event("error", { error: object({ type: string, code: nullable(string), message: string, param: nullable(string) }, { headers: anyObject }) }),
});

export function responseErrors(response: unknown, path = "response"): string[] {
  return responseResource(response, path);
}

export function itemErrors(item: unknown, path: string): string[] {
  return itemField(item, path);
}

export function eventErrors(event: Json): string[] {
  return streamingEvent(event, String(event?.type ?? "event"));
}

/**
 * Required fields and types of the OpenResponses schema (openresponses.org, `ResponseResource`,
 * `ItemField` and the streaming events), hand-written so the compliance suite's checks run here
 * without its generated validators. Each check returns readable errors, like the suite does.
 */
type Json = Record<string, any>;
type Check = (value: unknown) => boolean;

const isInt: Check = (value) => Number.isInteger(value);
const isNumber: Check = (value) => typeof value === "number" && Number.isFinite(value);
const isString: Check = (value) => typeof value === "string";
const isBool: Check = (value) => typeof value === "boolean";
const isArray: Check = (value) => Array.isArray(value);
const isObject: Check = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
const orNull = (check: Check): Check => (value) => value === null || check(value);
const oneOf = (...values: unknown[]): Check => (value) => values.includes(value);

function fields(value: unknown, spec: Record<string, Check>, path: string): string[] {
  if (!isObject(value)) return [`${path}: expected object`];
  const object = value as Json;
  const errors: string[] = [];
  for (const [key, check] of Object.entries(spec)) {
    if (!(key in object)) errors.push(`${path}.${key}: required`);
    else if (!check(object[key])) errors.push(`${path}.${key}: invalid ${JSON.stringify(object[key])}`);
  }
  return errors;
}

const itemStatus = oneOf("in_progress", "completed", "incomplete");

function contentPart(part: unknown, path: string): string[] {
  const type = (part as Json)?.type;
  switch (type) {
    case "output_text":
      return fields(part, { text: isString, annotations: isArray, logprobs: isArray }, path);
    case "summary_text":
    case "reasoning_text":
    case "input_text":
      return fields(part, { text: isString }, path);
    case "refusal":
      return fields(part, { refusal: isString }, path);
    default:
      return [`${path}.type: unexpected content part '${type}'`];
  }
}

export function itemErrors(item: unknown, path: string): string[] {
  const type = (item as Json)?.type;
  switch (type) {
    case "message": {
      const errors = fields(item, { id: isString, status: itemStatus, role: oneOf("user", "assistant", "system", "developer"), content: isArray }, path);
      ((item as Json).content ?? []).forEach((part: unknown, i: number) => errors.push(...contentPart(part, `${path}.content[${i}]`)));
      return errors;
    }
    case "function_call":
      return fields(item, { id: isString, call_id: isString, name: isString, arguments: isString, status: itemStatus }, path);
    case "reasoning": {
      const object = item as Json;
      const errors = fields(item, { id: isString, summary: isArray }, path);
      if ("content" in object && !isArray(object.content)) errors.push(`${path}.content: must be an array when present`);
      if ("encrypted_content" in object && !isString(object.encrypted_content)) errors.push(`${path}.encrypted_content: must be a string when present`);
      for (const [i, part] of (object.summary ?? []).entries()) errors.push(...contentPart(part, `${path}.summary[${i}]`));
      for (const [i, part] of (object.content ?? []).entries()) errors.push(...contentPart(part, `${path}.content[${i}]`));
      return errors;
    }
    default:
      return [`${path}.type: unexpected item type '${type}'`];
  }
}

const usageCheck: Check = (value) =>
  value === null ||
  fields(value, {
    input_tokens: isInt,
    output_tokens: isInt,
    total_tokens: isInt,
    input_tokens_details: (details) => fields(details, { cached_tokens: isInt }, "").length === 0,
    output_tokens_details: (details) => fields(details, { reasoning_tokens: isInt }, "").length === 0,
  }, "usage").length === 0;

const toolChoiceCheck: Check = (value) =>
  oneOf("auto", "none", "required")(value) || (isObject(value) && ((value as Json).type === "function" || (value as Json).type === "allowed_tools"));

export function responseErrors(response: unknown, path = "response"): string[] {
  const errors = fields(
    response,
    {
      id: isString,
      object: oneOf("response"),
      created_at: isInt,
      completed_at: orNull(isInt),
      status: isString,
      incomplete_details: orNull((value) => fields(value, { reason: isString }, "").length === 0),
      model: isString,
      previous_response_id: orNull(isString),
      instructions: orNull(isString),
      output: isArray,
      error: orNull((value) => fields(value, { code: isString, message: isString }, "").length === 0),
      tools: (value) => isArray(value) && (value as Json[]).every((tool) => fields(tool, { type: oneOf("function"), name: isString, description: orNull(isString), parameters: orNull(isObject), strict: orNull(isBool) }, "").length === 0),
      tool_choice: toolChoiceCheck,
      truncation: oneOf("auto", "disabled"),
      parallel_tool_calls: isBool,
      text: (value) => isObject(value) && isObject((value as Json).format),
      top_p: isNumber,
      presence_penalty: isNumber,
      frequency_penalty: isNumber,
      top_logprobs: isInt,
      temperature: isNumber,
      reasoning: orNull(isObject),
      user: orNull(isString),
      usage: usageCheck,
      max_output_tokens: orNull(isInt),
      max_tool_calls: orNull(isInt),
      store: isBool,
      background: isBool,
      service_tier: isString,
      metadata: () => true,
      safety_identifier: orNull(isString),
      prompt_cache_key: orNull(isString),
    },
    path,
  );
  ((response as Json)?.output ?? []).forEach((item: unknown, i: number) => errors.push(...itemErrors(item, `${path}.output[${i}]`)));
  return errors;
}

const itemRef = { item_id: isString, output_index: isInt };

export function eventErrors(event: Json): string[] {
  const path = String(event.type);
  const base = fields(event, { type: isString, sequence_number: isInt }, path);
  switch (event.type) {
    case "response.created":
    case "response.in_progress":
    case "response.completed":
    case "response.failed":
    case "response.incomplete":
      return [...base, ...responseErrors(event.response, `${path}.response`)];
    case "response.output_item.added":
    case "response.output_item.done":
      return [...base, ...fields(event, { output_index: isInt }, path), ...itemErrors(event.item, `${path}.item`)];
    case "response.content_part.added":
    case "response.content_part.done":
      return [...base, ...fields(event, { ...itemRef, content_index: isInt }, path), ...contentPart(event.part, `${path}.part`)];
    case "response.output_text.delta":
      return [...base, ...fields(event, { ...itemRef, content_index: isInt, delta: isString }, path)];
    case "response.output_text.done":
      return [...base, ...fields(event, { ...itemRef, content_index: isInt, text: isString }, path)];
    case "response.function_call_arguments.delta":
      return [...base, ...fields(event, { ...itemRef, delta: isString }, path)];
    case "response.function_call_arguments.done":
      return [...base, ...fields(event, { ...itemRef, arguments: isString }, path)];
    case "response.reasoning_summary_part.added":
    case "response.reasoning_summary_part.done":
      return [...base, ...fields(event, { ...itemRef, summary_index: isInt }, path), ...contentPart(event.part, `${path}.part`)];
    case "response.reasoning_summary_text.delta":
      return [...base, ...fields(event, { ...itemRef, summary_index: isInt, delta: isString }, path)];
    case "response.reasoning_summary_text.done":
      return [...base, ...fields(event, { ...itemRef, summary_index: isInt, text: isString }, path)];
    case "response.reasoning_text.delta":
      return [...base, ...fields(event, { ...itemRef, content_index: isInt, delta: isString }, path)];
    case "response.reasoning_text.done":
      return [...base, ...fields(event, { ...itemRef, content_index: isInt, text: isString }, path)];
    case "error":
      return [...base, ...fields(event.error, { type: isString, code: orNull(isString), message: isString, param: orNull(isString) }, `${path}.error`)];
    default:
      return [`${path}: not an OpenResponses streaming event`];
  }
}

import { type AnnotationField, parseAnnotations, type Annotations } from "./selector-annotations.ts";
import { invalidSelector } from "./selector-error.ts";
import { parseSeconds } from "./selector-numbers.ts";
import { parseRouteParams } from "./route-params.ts";
import { type Arm, type GlobalOptions, type Leaf, maxRaceLegs, type Race, type Selector, type Weighted, type WeightedBranch } from "./selector-ast.ts";

/** A slice of the selector text with its absolute offset. */
interface Segment {
  text: string;
  position: number;
}

const maxSelectorLength = 8192;

function trimmed(segment: Segment): Segment {
  const start = segment.text.length - segment.text.trimStart().length;
  return { text: segment.text.trim(), position: segment.position + start };
}

/** Split on a separator outside `[...]` (brackets were checked to be balanced and flat). */
function split(segment: Segment, separator: string): Segment[] {
  const parts: Segment[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < segment.text.length; i++) {
    const character = segment.text[i];
    if (character === "[") depth++;
    else if (character === "]") depth--;
    else if (character === separator && depth === 0) {
      parts.push(trimmed({ text: segment.text.slice(start, i), position: segment.position + start }));
      start = i + 1;
    }
  }
  parts.push(trimmed({ text: segment.text.slice(start), position: segment.position + start }));
  return parts;
}

/** Brackets must be balanced and never nested; braces only open the leading global block. */
function checkBrackets(text: string, from: number): void {
  let open = -1;
  for (let i = from; i < text.length; i++) {
    const character = text[i];
    if (character === "[") {
      if (open >= 0) throw invalidSelector("'[' inside an annotation", i);
      open = i;
    } else if (character === "]") {
      if (open < 0) throw invalidSelector("']' without '['", i);
      open = -1;
    } else if (character === "{" || character === "}") {
      throw invalidSelector(open >= 0 ? `'${character}' inside an annotation` : "the global block {...} must come first and only once", i);
    }
  }
  if (open >= 0) throw invalidSelector("unclosed annotation '['", open);
}

function parseGlobal(segment: Segment): GlobalOptions {
  const options: GlobalOptions = {};
  if (segment.text.trim() === "") throw invalidSelector("empty global block", segment.position - 1);
  const seen = new Set<string>();
  for (const entry of split(segment, ",")) {
    if (entry.text === "") throw invalidSelector("empty entry in global block", entry.position);
    const equals = entry.text.indexOf("=");
    const name = (equals < 0 ? entry.text : entry.text.slice(0, equals)).trim();
    const value = equals < 0 ? undefined : entry.text.slice(equals + 1).trim();
    if (seen.has(name)) throw invalidSelector(`duplicate global option '${name}'`, entry.position);
    seen.add(name);
    const flag = (affinity: "session" | "client") => {
      if (value !== undefined) throw invalidSelector(`global option '${name}' takes no value`, entry.position);
      if (options.affinity && options.affinity !== affinity) throw invalidSelector(`conflicting affinity: '${name}' with affinity=${options.affinity}`, entry.position);
      options.affinity = affinity;
    };
    switch (name) {
      case "ttft_timeout":
        if (value === undefined) throw invalidSelector("global option 'ttft_timeout' needs a value (seconds)", entry.position);
        options.ttftTimeoutMs = parseSeconds("ttft_timeout", value, entry.position, { allowZero: false, max: 86_400 });
        break;
      case "affinity":
        if (value !== "session" && value !== "client") throw invalidSelector(`affinity must be session or client, got '${value ?? ""}'`, entry.position);
        if (options.affinity && options.affinity !== value) throw invalidSelector(`conflicting affinity: affinity=${value} with ${options.affinity}_sticky`, entry.position);
        options.affinity = value;
        break;
      case "session_sticky":
        flag("session");
        break;
      case "client_sticky":
        flag("client");
        break;
      default:
        throw invalidSelector(`unknown global option '${name}' (known: ttft_timeout, affinity, session_sticky, client_sticky)`, entry.position);
    }
  }
  return options;
}

/** `[annotations]backend:model?query` → leaf and its annotations (placement is checked by the caller). */
function parseLeaf(segment: Segment, what: string): { leaf: Leaf; annotations: Annotations } {
  if (segment.text === "") throw invalidSelector(`empty ${what}`, segment.position);
  const { annotations, rest } = parseAnnotations(segment);
  if (rest.text === "") throw invalidSelector("missing backend:model after annotations", rest.position);
  const bracket = rest.text.search(/[[\]]/);
  if (bracket >= 0) throw invalidSelector("annotations must come before backend:model", rest.position + bracket);
  const question = rest.text.indexOf("?");
  const path = question < 0 ? rest.text : rest.text.slice(0, question);
  const whitespace = path.trimEnd().search(/\s/);
  if (whitespace >= 0) throw invalidSelector("whitespace inside backend:model", rest.position + whitespace);
  const colon = path.indexOf(":");
  const backend = colon < 0 ? undefined : path.slice(0, colon);
  const model = (colon < 0 ? path : path.slice(colon + 1)).trim();
  if (backend === "") throw invalidSelector("missing backend before ':'", rest.position);
  if (model === "") throw invalidSelector("missing model", rest.position + (colon < 0 ? 0 : colon + 1));
  const params = question < 0 ? {} : parseRouteParams(rest.text.slice(question + 1).trim(), rest.position + question + 1);
  const leaf: Leaf = { model, params, position: rest.position, text: rest.text };
  if (backend !== undefined) leaf.backend = backend;
  if (annotations.ttftTimeoutMs !== undefined) leaf.ttftTimeoutMs = annotations.ttftTimeoutMs;
  if (annotations.minContext !== undefined) leaf.minContext = annotations.minContext;
  if (annotations.maxContext !== undefined) leaf.maxContext = annotations.maxContext;
  if (leaf.minContext !== undefined && leaf.maxContext !== undefined && leaf.minContext > leaf.maxContext) {
    throw invalidSelector("min_context is above max_context", segment.position);
  }
  return { leaf, annotations };
}

function rejectPlaced(annotations: Annotations, names: readonly AnnotationField[], where: string): void {
  for (const name of names) {
    const position = annotations.positions[name];
    if (annotations[name] !== undefined && position !== undefined) throw invalidSelector(`[${annotations.labels[name]}] is not allowed on ${where}`, position);
  }
}

function parseRace(segment: Segment, legs: Segment[]): Race {
  if (legs.length > maxRaceLegs) throw invalidSelector(`a race has at most ${maxRaceLegs} legs, got ${legs.length}`, segment.position);
  return {
    type: "race",
    position: segment.position,
    legs: legs.map((text) => {
      const { leaf, annotations } = parseLeaf(text, "race leg");
      rejectPlaced(annotations, ["weight", "first", "thinker"], "a race leg ('!' does not mix with weights)");
      if (annotations.handicapMs !== undefined) leaf.handicapMs = annotations.handicapMs;
      return leaf;
    }),
  };
}

function parseBranch(segment: Segment): WeightedBranch {
  if (segment.text === "") throw invalidSelector("empty weighted branch", segment.position);
  const legs = split(segment, "!");
  if (legs.length > 1) {
    // Only the thinker hybrid puts a race inside a weighted group; the caller checks the shape.
    return { weight: 1, first: false, thinker: false, target: parseRace(segment, legs), position: segment.position };
  }
  const { leaf, annotations } = parseLeaf(segment, "weighted branch");
  rejectPlaced(annotations, ["handicapMs"], "a weighted branch (only race legs have a handicap)");
  return {
    weight: annotations.weight ?? 1,
    first: annotations.first ?? false,
    thinker: annotations.thinker ?? false,
    target: { type: "leaf", leaf },
    position: segment.position,
  };
}

function parseWeighted(segment: Segment, parts: Segment[]): Weighted {
  const branches = parts.map(parseBranch);
  let first: WeightedBranch | undefined;
  let thinker: WeightedBranch | undefined;
  for (const branch of branches) {
    if (branch.first) {
      if (first) throw invalidSelector("more than one [first] in a weighted group", branch.position);
      first = branch;
    }
    if (branch.thinker) {
      if (thinker) throw invalidSelector("more than one [thinker] in a weighted group", branch.position);
      thinker = branch;
    }
  }
  const race = branches.find((branch) => branch.target.type === "race");
  if (race && (branches.length !== 2 || !thinker)) {
    throw invalidSelector("'!' does not mix with '^' except the thinker hybrid ([thinker]a:m^b:m!c:m: exactly two branches, one [thinker])", race.position);
  }
  return { type: "weighted", branches, position: segment.position, key: segment.text };
}

function parseArm(segment: Segment): Arm {
  if (segment.text === "") throw invalidSelector("empty failover arm", segment.position);
  const branches = split(segment, "^");
  if (branches.length > 1) return parseWeighted(segment, branches);
  const legs = split(segment, "!");
  if (legs.length > 1) return parseRace(segment, legs);
  const { leaf, annotations } = parseLeaf(segment, "failover arm");
  rejectPlaced(annotations, ["weight", "first", "thinker"], "a lone leaf (weights need a '^' group)");
  rejectPlaced(annotations, ["handicapMs"], "a lone leaf (only race legs have a handicap)");
  return { type: "leaf", leaf };
}

/**
 * Parses a selector (aliases already applied). Grammar:
 * `{global}? arm ('|' arm)*`, arm = leaf | branch ('^' branch)+ | leg ('!' leg)+,
 * leaf = `[annotation]* backend:model?query`. Throws only `invalid route selector: …`.
 */
export function parseSelector(input: string): Selector {
  const text = input.trim();
  if (text === "") throw invalidSelector("empty selector", 0);
  if (text.length > maxSelectorLength) throw invalidSelector(`selector longer than ${maxSelectorLength} characters`, maxSelectorLength);
  let global: GlobalOptions = {};
  let body: Segment = { text, position: 0 };
  if (text.startsWith("{")) {
    const close = text.indexOf("}");
    if (close < 0) throw invalidSelector("unclosed global block '{'", 0);
    const inner = text.slice(1, close);
    const stray = inner.search(/[{[\]|^!]/);
    if (stray >= 0) throw invalidSelector(`unexpected '${inner[stray]}' in global block`, 1 + stray);
    global = parseGlobal({ text: inner, position: 1 });
    body = trimmed({ text: text.slice(close + 1), position: close + 1 });
    if (body.text === "") throw invalidSelector("missing route after the global block", close + 1);
  }
  checkBrackets(text, body.position);
  const arms = split(body, "|").map(parseArm);
  return { global, arms, text };
}

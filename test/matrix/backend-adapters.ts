/**
 * One adapter per backend codec: how to start its emulator, its lipstd config entry, how to script
 * a named step (a provider-neutral Turn), and how to read back what arrived upstream. local-stub,
 * which has no wire, is in local-stub-adapter.ts.
 */
import type { BackendConfig } from "../../src/core/backend-kind.ts";
import { startEmulator as startAnthropic } from "../emulators/anthropic.ts";
import { startEmulator as startBedrock } from "../emulators/bedrock.ts";
import { startEmulator as startGemini } from "../emulators/gemini.ts";
import { type Emulator, type EmulatorOptions, joined, type Step, type StreamFaults, type Turn } from "../emulators/harness.ts";
import { startEmulator as startChat } from "../emulators/openai-chat.ts";
import { startEmulator as startResponses } from "../emulators/openai-responses.ts";
import type { ClientResult } from "./frontend-drivers.ts";
import { localStub } from "./local-stub-adapter.ts";
import { defaultSteps, type StepName, turns } from "./turns.ts";
import { readAnthropic, readBedrock, readChat, readGemini, readResponses, type Upstream } from "./upstream-readers.ts";

export type BackendEntry = Partial<BackendConfig> & { id: string; kind: string };

export interface BackendAdapter {
  /** The backend kind: the table's column. */
  kind: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Config entries, once started (emulator URLs are known then). */
  entries(): BackendEntry[];
  /** Its `models:` table rows (model name clients send → backend + provider model id). */
  models(): Record<string, { backend: string; provider_model_id: string }>;
  /** The route selector (`backend:model`) that reaches this backend for a step; failover aliases use it. */
  selector(step: StepName): string;
  /** Scripts the upstream's next answer(s) and returns the model the client should send. */
  route(step: StepName): string;
  /** The turn behind a step, for expectations. */
  turn(step: StepName): Turn;
  /** The text a client sees for a step; undefined where the backend echoes the call instead. */
  answerText(step: StepName): string | undefined;
  /** What reached the provider on the last request (`result` is the client's answer to it). */
  upstream(result: ClientResult): Upstream;
  /** Requests the provider received (absent for local-stub, which has no wire). */
  requestCount?(): number;
  /** Does this provider report cache reads (usage scenario)? */
  reportsCache: boolean;
  /** The opaque reasoning value this provider issues and must get back unchanged, if any. */
  reasoningToken(): string | undefined;
  /**
   * Gemini signs single parts: streamed thought parts come back to it as they came, the signature
   * on its own part. Elsewhere a signature covers the whole reasoning block's text.
   */
  partSignatures?: boolean;
}

interface EmulatedOptions {
  kind: string;
  model: string;
  start(options: EmulatorOptions): Emulator | Promise<Emulator>;
  entry(emulator: Emulator): Omit<BackendEntry, "id" | "kind">;
  read(body: unknown): Upstream;
  /** A cut after the second text delta of the break step: frame counts differ per wire. */
  breakFault: StreamFaults;
  overrides?: Partial<Record<StepName, Step>>;
  partSignatures?: boolean;
}

/** The reasoning text a client should see for a turn: thinking text, else the summary. */
export function reasoningTextOf(turn: Turn): string {
  return joined(turn.reasoning?.text) || (turn.reasoning?.summary ?? []).join("\n\n");
}

function emulated(options: EmulatedOptions): BackendAdapter {
  const steps = { ...defaultSteps(options.breakFault), ...options.overrides };
  let emulator: Emulator | undefined;
  let pending: Step = steps.text;
  const running = (): Emulator => {
    if (!emulator) throw new Error(`${options.kind}: emulator not started`);
    return emulator;
  };
  const turnOf = (step: StepName): Turn => {
    const scripted = steps[step];
    return "reply" in scripted ? scripted.reply : {};
  };
  return {
    kind: options.kind,
    async start() {
      emulator = await options.start({ script: () => pending });
    },
    async stop() {
      await emulator?.stop();
    },
    entries: () => [{ id: options.kind, kind: options.kind, default_model: options.model, ...options.entry(running()) }],
    // Clients send a bare table name: provider ids with a `/` (OpenRouter) cannot ride in a Gemini URL path.
    models: () => ({ [`matrix-${options.kind}`]: { backend: options.kind, provider_model_id: options.model } }),
    selector: () => `${options.kind}:${options.model}`,
    route(step) {
      pending = steps[step];
      return `matrix-${options.kind}`;
    },
    turn: turnOf,
    answerText: (step) => joined(turnOf(step).text),
    upstream() {
      const last = running().requests.at(-1);
      if (!last) throw new Error(`${options.kind}: no upstream request recorded`);
      return options.read(last.body);
    },
    requestCount: () => running().requests.length,
    // Every emulated provider reports cache reads in its usage (Chat/Responses cached_tokens, Anthropic cache_read_input_tokens, …).
    reportsCache: true,
    reasoningToken: () => turnOf("reasoning").reasoning?.signature ?? turnOf("reasoning").reasoning?.encrypted,
    ...(options.partSignatures && { partSignatures: true }),
  };
}

export function openaiLegacy(): BackendAdapter {
  return emulated({
    kind: "openai-legacy",
    model: "gpt-4.1",
    start: (options) => startChat(options),
    entry: (emulator) => ({ base_url: emulator.url, api_key: "sk-matrix-openai-legacy" }),
    read: readChat,
    // role chunk, "partial ", "answer " — then the connection is reset.
    breakFault: { cutAfterFrames: 3 },
  });
}

export function openaiResponses(): BackendAdapter {
  return emulated({
    kind: "openai-responses",
    model: "gpt-5",
    start: (options) => startResponses(options),
    entry: (emulator) => ({ base_url: emulator.url, api_key: "sk-matrix-openai-responses" }),
    read: readResponses,
    // created, in_progress, output_item.added, content_part.added, "partial ", "answer " — then reset.
    breakFault: { cutAfterFrames: 6 },
    overrides: {
      // Responses reasoning is a summary plus an encrypted_content payload, replayed as an input item.
      reasoning: { reply: { reasoning: { summary: ["Two plus two is four."], encrypted: "enc-matrix-reasoning" }, text: "The answer is 4.", usage: { input: 20, output: 30, reasoning: 24 } } },
    },
  });
}

/** The one OpenAI-compatible preset in the matrix: OpenRouter (attribution headers, compatible quirks). */
export function openrouter(): BackendAdapter {
  return emulated({
    kind: "openrouter",
    model: "anthropic/claude-sonnet-4.5",
    start: (options) => startChat({ ...options, reasoningField: "reasoning" }),
    entry: (emulator) => ({ base_url: emulator.url, api_key: "sk-or-matrix", app_url: "https://matrix.example" }),
    read: readChat,
    breakFault: { cutAfterFrames: 3 },
  });
}

export function anthropic(): BackendAdapter {
  return emulated({
    kind: "anthropic",
    model: "claude-sonnet-4-5",
    start: (options) => startAnthropic(options),
    entry: (emulator) => ({ base_url: emulator.url, api_key: "sk-ant-matrix" }),
    read: readAnthropic,
    // message_start, ping, content_block_start, "partial ", "answer " — then reset.
    breakFault: { cutAfterFrames: 5 },
    overrides: {
      // Anthropic's own id shape.
      tools: { reply: { ...turns.tools, toolCalls: turns.tools.toolCalls!.map((call, i) => ({ ...call, id: `toolu_0${i + 1}${call.name.replace("_", "")}` })) } },
    },
  });
}

export function gemini(): BackendAdapter {
  return emulated({
    kind: "gemini",
    model: "gemini-3-pro-preview",
    start: (options) => startGemini(options),
    entry: (emulator) => ({ base_url: emulator.url, api_key: "AIzaMatrixKeyForTheEmulatorOnly000000" }),
    read: readGemini,
    // One chunk per delta: "partial ", "answer " — then reset.
    breakFault: { cutAfterFrames: 2 },
    overrides: {
      // Gemini issues no call ids, and signs the first function call of a step (Gemini 3).
      tools: { reply: { ...turns.tools, toolCalls: turns.tools.toolCalls!.map(({ id: _id, ...call }) => call), reasoning: { signature: "sig-gemini-calls" } } },
      // A signed thought (the signature on the thought part itself).
      reasoning: { reply: { ...turns.reasoning, gemini: { signatureOn: "thought" } } as Turn },
    },
    partSignatures: true,
  });
}

export function bedrock(): BackendAdapter {
  return emulated({
    kind: "bedrock",
    model: "anthropic.claude-sonnet-4-5",
    start: (options) => startBedrock(options),
    entry: (emulator) => ({ base_endpoint: emulator.url, region: "us-west-2", access_key_id: "AKIDMATRIX", secret_access_key: "matrix-secret" }),
    read: readBedrock,
    // messageStart, "partial ", "answer " — then the HTTP/2 stream is reset.
    breakFault: { cutAfterFrames: 3 },
  });
}

/** Every backend codec on this branch, in the table's column order. */
export function backendAdapters(): BackendAdapter[] {
  return [localStub(), openaiResponses(), openaiLegacy(), anthropic(), gemini(), bedrock(), openrouter()];
}

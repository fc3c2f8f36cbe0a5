/**
 * One driver per client dialect, each speaking through that dialect's official SDK, with the same
 * methods: ask (text, tools, reasoning, image; streamed or JSON), then continue the conversation
 * the way that dialect's clients do (echo the assistant turn, send tool results or a new prompt).
 * Every answer is normalised to a `ClientResult`, so one cell definition serves every dialect.
 */
import { anthropicDriver } from "./drivers/anthropic.ts";
import { geminiDriver } from "./drivers/gemini.ts";
import { openaiChatDriver } from "./drivers/openai-chat.ts";
import { openaiResponsesDriver } from "./drivers/openai-responses.ts";

export type Finish = "stop" | "length" | "tool_calls" | "content_filter";

export interface ClientError {
  /** The SDK's own error class (OpenAI.APIError, Anthropic.APIError, genai ApiError). */
  typed: boolean;
  status?: number;
  message: string;
}

export interface ClientResult {
  /** The response id the dialect shows (chat.completion id, resp_…, msg_…, responseId). */
  id?: string;
  /** All text the client saw (partial when the stream broke). */
  text: string;
  toolCalls: Array<{ id: string; name: string; arguments: unknown }>;
  /** Visible reasoning and the opaque value the client would send back for it. */
  reasoning: { text: string; carriedSignature?: string };
  /** The dialect's own wording; compare with `driver.finishes`. */
  finish?: string;
  /** Canonical arithmetic: input includes cache reads and writes, output includes reasoning. */
  usage?: { input: number; output: number; cached: number; total?: number };
  /** Thrown by the SDK. */
  error?: ClientError;
  /** An inconsistency the driver noticed without a throw (a stream that ended without its terminal event). */
  problem?: string;
}

export interface Ask {
  /** The model (or route selector) the client sends. */
  model: string;
  stream: boolean;
  prompt: string;
  image?: { mediaType: string; data: string };
  /** Offer the two matrix tools (get_weather, get_time). */
  tools?: boolean;
  /** Ask for reasoning the dialect's way. */
  reasoning?: boolean;
}

export interface FollowUp {
  model: string;
  stream: boolean;
  /** Tool results by call id, sent after the echoed assistant turn. */
  toolResults?: Record<string, string>;
  /** A new user prompt after the echoed assistant turn. */
  prompt?: string;
}

export interface Exchange {
  result: ClientResult;
  next(followUp: FollowUp): Promise<Exchange>;
}

export interface FrontendDriver {
  dialect: string;
  /** How this dialect says each finish (dialects.md §5). */
  finishes: Record<Finish, string>;
  ask(ask: Ask): Promise<Exchange>;
}

/** All four dialects, in the table's row order. */
export function frontendDrivers(baseUrl: string): FrontendDriver[] {
  return [openaiChatDriver(baseUrl), openaiResponsesDriver(baseUrl), anthropicDriver(baseUrl), geminiDriver(baseUrl)];
}

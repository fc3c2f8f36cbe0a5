import type { BackendConfig } from "../../src/core/backend-kind.ts";
import type { Logger } from "../../src/core/codec.ts";
import { startServer, type RunningServer } from "../../src/server/server.ts";
import type { ServerConfig } from "../../src/server/server-config.ts";

export const quietLog: Logger = () => undefined;

export function stub(id: string, knobs: Record<string, unknown> = {}): BackendConfig {
  return { id, kind: "local-stub", enabled: true, ...knobs };
}

export function config(backends: BackendConfig[], extra: Partial<ServerConfig> & { routing?: Partial<ServerConfig["routing"]> } = {}): ServerConfig {
  const { routing, ...rest } = extra;
  return {
    server: {
      address: "127.0.0.1:0",
      max_body_bytes: 8_388_608,
      stream_keepalive_interval: 15_000,
      limits: { max_messages: 4096, max_parts_per_message: 2048, max_tools: 2048, max_text_bytes: 8_388_608, max_json_depth: 64 },
    },
    backends,
    routing: { max_attempts: 3, ...routing },
    model_aliases: [],
    ...rest,
  };
}

export async function start(serverConfig: ServerConfig): Promise<RunningServer> {
  return startServer(serverConfig, { log: quietLog });
}

export interface ChatOptions {
  model?: string;
  route?: string;
  stream?: boolean;
  headers?: Record<string, string>;
  messages?: Array<{ role: string; content: string }>;
}

export function chat(server: RunningServer, options: ChatOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json", ...options.headers };
  if (options.route) headers["x-lip-route"] = options.route;
  return fetch(`${server.url}/v1/chat/completions`, {
    method: "POST",
    headers,
    body: JSON.stringify({
      model: options.model ?? "any",
      messages: options.messages ?? [{ role: "user", content: "hello" }],
      ...(options.stream && { stream: true }),
    }),
  });
}

/** The `data:` payloads of an SSE body, and its comment lines (keepalives). */
export async function sse(response: Response): Promise<{ data: string[]; comments: number; text: string }> {
  const text = await response.text();
  const data: string[] = [];
  let comments = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("data: ")) data.push(line.slice(6));
    else if (line.startsWith(":")) comments++;
  }
  return { data, comments, text };
}

export function streamedText(data: string[]): string {
  let text = "";
  for (const payload of data) {
    if (payload === "[DONE]") continue;
    const chunk = JSON.parse(payload) as { choices?: Array<{ delta?: { content?: string } }> };
    text += chunk.choices?.[0]?.delta?.content ?? "";
  }
  return text;
}

export async function attemptsOf(server: RunningServer, aLegId: string, secret = "s3cret"): Promise<Array<Record<string, unknown>>> {
  const response = await fetch(`${server.url}/diagnostics/attempts/${aLegId}`, { headers: { "x-lip-diagnostics-secret": secret } });
  if (response.status !== 200) throw new Error(`diagnostics answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { attempts: Array<Record<string, unknown>> }).attempts;
}

export const diagnostics = { enabled: true, shared_secret: "s3cret" };

/** Wait until `check` holds, polling; fails after `ms` (generous: for ordering, not timing). */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await Bun.sleep(10);
  }
}

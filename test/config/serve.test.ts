import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** `lipstd serve` as a user runs it: starts, answers with the configured backend, stops on SIGTERM. */

const root = join(import.meta.dir, "../..");
const dir = mkdtempSync(join(tmpdir(), "lipstd-serve-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readUntil(stream: ReadableStream<Uint8Array>, pattern: RegExp, timeoutMs: number): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + timeoutMs;
  try {
    while (!pattern.test(text)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${pattern}; stderr so far: ${text}`);
      const chunk = await Promise.race([reader.read(), Bun.sleep(remaining).then(() => ({ done: true, value: undefined }))]);
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
  return text;
}

test("serve listens on --address, uses the config's backend, and exits 0 on SIGTERM", async () => {
  const config = join(dir, "serve.yaml");
  writeFileSync(config, "server:\n  address: 127.0.0.1:1\nbackends:\n  - id: stub\n    kind: local-stub\n    text: hello from the config file\n");
  const proc = Bun.spawn([process.execPath, "src/cli.ts", "serve", "--config", config, "--address", "127.0.0.1:0"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "" },
    stdout: "pipe",
    stderr: "pipe",
  });
  try {
    const banner = await readUntil(proc.stderr, /lipstd listening on (http:\/\/127\.0\.0\.1:\d+)\n/, 10_000);
    const url = /lipstd listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)![1]!;
    expect(url).not.toEndWith(":1");
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "stub-default", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0]?.message.content).toBe("hello from the config file");
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  } finally {
    proc.kill("SIGKILL");
  }
});

test("serve with an invalid config exits 1 before listening", async () => {
  const config = join(dir, "invalid.yaml");
  writeFileSync(config, "backends: []\n");
  const proc = Bun.spawn([process.execPath, "src/cli.ts", "--config", config], { cwd: root, env: { PATH: process.env.PATH ?? "" }, stderr: "pipe" });
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  expect(code).toBe(1);
  expect(stderr).toContain("configuration invalid:");
  expect(stderr).toContain("backends: no backend configured");
  expect(stderr).not.toContain("listening");
});

/**
 * Smoke test of `bench/in-process.ts`: a few requests through lipstd's real handler, in one read
 * and in several, each answer checked by the script itself (status 200, ends with `[DONE]`).
 * No timing is asserted.
 */
import { expect, test } from "bun:test";
import { resolve } from "node:path";

const script = resolve(import.meta.dir, "..", "..", "bench", "in-process.ts");

for (const reads of [1, 4]) {
  test(`in-process bench serves every request (${reads} read(s) per answer)`, async () => {
    const child = Bun.spawn([process.execPath, script, "--requests", "40", "--warmup", "8", "--chunks", "5", "--reads", String(reads), "--concurrency", "4"], { stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    expect(out).toMatch(new RegExp(`^in-process: 40 requests × 5 chunks in ${reads} read\\(s\\), concurrency 4: CPU [0-9.]+ µs/req`));
  });
}

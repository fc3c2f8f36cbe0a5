/**
 * Smoke test of the benchmark harness: `bench/run.ts --quick` against the direct and passthrough
 * modes only (no lipstd), checking that both rows of every scenario table exist, served requests,
 * and failed none. No timing is asserted: this machine's speed is not the test's business.
 */
import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..", "..");

interface TableRow {
  scenario: string;
  cells: Map<string, string>;
}

/** Rows of every `### scenario` Markdown table in the harness output, keyed by column header. */
function parseTables(md: string): TableRow[] {
  const rows: TableRow[] = [];
  let scenario = "";
  let header: string[] | undefined;
  for (const line of md.split("\n")) {
    const title = line.match(/^### (\w+):/);
    if (title !== null) {
      scenario = title[1]!;
      header = undefined;
      continue;
    }
    if (!line.startsWith("|")) continue;
    const cells = line.slice(1, -1).split("|").map((c) => c.trim());
    if (header === undefined) {
      header = cells;
      continue;
    }
    if (cells.every((c) => /^-*:?$/.test(c))) continue; // the separator row
    rows.push({ scenario, cells: new Map(header.map((h, i) => [h, cells[i] ?? ""])) });
  }
  return rows;
}

test(
  "bench --quick runs direct and passthrough with no failures",
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "lipstd-bench-test-"));
    try {
      const out = join(dir, "last.md");
      const json = join(dir, "last.json");
      const proc = Bun.spawn(
        [process.execPath, join(ROOT, "bench", "run.ts"), "--quick", "--modes", "direct,passthrough", "--out", out, "--json", json],
        { cwd: ROOT, stdin: "ignore", stdout: "pipe", stderr: "pipe" },
      );
      const killer = setTimeout(() => proc.kill("SIGKILL"), 50_000);
      const [stdout, stderr, code] = await Promise.all([
        new Response(proc.stdout).text(),
        new Response(proc.stderr).text(),
        proc.exited,
      ]);
      clearTimeout(killer);
      if (code !== 0) throw new Error(`bench exited ${code}\n${stdout}\n${stderr}`);

      // The table on stdout and the file agree.
      expect(readFileSync(out, "utf8")).toBe(stdout);

      const rows = parseTables(stdout);
      const scenarios = [...new Set(rows.map((r) => r.scenario))];
      expect(scenarios).toEqual(["throughput", "realistic"]);
      for (const scenario of scenarios) {
        const modes = rows.filter((r) => r.scenario === scenario).map((r) => r.cells.get("mode"));
        expect(modes).toEqual(["direct", "passthrough"]);
      }
      for (const row of rows) {
        const where = `${row.scenario}/${row.cells.get("mode")}`;
        expect({ where, fail: row.cells.get("fail") }).toEqual({ where, fail: "0" });
        expect(Number(row.cells.get("ok"))).toBeGreaterThan(0);
        expect(Number(row.cells.get("req/s"))).toBeGreaterThan(0);
      }
      // The passthrough row has its own process's CPU and RSS; direct has none.
      for (const row of rows.filter((r) => r.cells.get("mode") === "passthrough")) {
        expect(Number(row.cells.get("proxy peak RSS MiB"))).toBeGreaterThan(0);
        expect(row.cells.get("proxy CPU ms/req (min–max)")).toMatch(/^\d+\.\d+ \(/);
      }

      const raw = JSON.parse(readFileSync(json, "utf8")) as { rows: { mode: string; ok: number; failures: number }[] };
      expect(raw.rows.map((r) => r.mode)).toEqual(["direct", "passthrough", "direct", "passthrough"]);
      for (const r of raw.rows) {
        expect(r.failures).toBe(0);
        expect(r.ok).toBeGreaterThan(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  60_000,
);

/**
 * `npm run bench` — the same streaming load three ways, in one run:
 *
 *   direct       load generator → stub upstream
 *   passthrough  load generator → naive Bun proxy (fetch → new Response(upstream.body)) → stub   (the floor)
 *   lipstd       load generator → lipstd (OpenAI Chat in, openai-legacy backend out) → stub
 *
 * The stub runs in its own process (one per scenario, since its knobs are process flags). Every
 * measured phase starts its proxy fresh (so VmHWM is that phase's own), warms it up, reads its CPU
 * seconds from /proc, runs the load, reads them again. The load generator runs in this process,
 * never in a measured one. Each scenario runs `--rounds` rounds; each round runs every mode once,
 * in a rotated order, so slow drift of a shared 2-core machine lands on all modes alike.
 *
 * Flags:
 *   --modes direct,passthrough,lipstd   which modes (default all three; lipstd is reported as
 *                                       pending when src/cli.ts is not in this tree)
 *   --scenarios throughput,realistic    which scenarios (default both)
 *   --requests N --concurrency C        override the measured load of every selected scenario
 *   --warmup N                          warm-up requests per phase
 *   --rounds N                          rounds per scenario (default 3; --quick: 1)
 *   --quick                             tiny run for a smoke test
 *   --budget-s S                        start no new phase after S seconds (default 165)
 *   --out FILE                          where to write the Markdown (default .bench/last.md)
 *   --json FILE                         also write the aggregated results as JSON
 *   --profile [DIR]                     run lipstd under `bun --cpu-prof-md`; profiles land in DIR
 *                                       (default .bench/profiles); CPU numbers then include the profiler
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, release, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { runLoad, type LoadResult } from "./loadgen.ts";
import { sample } from "./proc-stats.ts";
import {
  freePort,
  killAllChildrenNow,
  numberOption,
  parseFlags,
  percentile,
  spawnReady,
  stringOption,
  type Child,
} from "./util.ts";

const ROOT = resolve(import.meta.dir, "..");
const BUN = process.execPath;
const MODES = ["direct", "passthrough", "lipstd"] as const;
type Mode = (typeof MODES)[number];

interface Scenario {
  name: string;
  ttftMs: number;
  chunks: number;
  chunkDelayMs: number;
  concurrency: number;
  requests: number;
  warmup: number;
}

/** One measured phase: one mode, one round. */
interface Phase {
  round: number;
  load: LoadResult;
  reqPerSec: number;
  /** Proxy process CPU per measured request (ms); NaN for direct. */
  proxyCpuMsPerReq: number;
  /** Proxy process VmHWM (bytes); NaN for direct. */
  proxyPeakRssBytes: number;
  /** Stub CPU per measured request (ms): the same work in every mode. */
  stubCpuMsPerReq: number;
}

/** One mode of one scenario, over all its rounds. */
interface Row {
  scenario: string;
  mode: Mode;
  /** Set when the mode could not run (pending, or an error); the numbers are then NaN. */
  skipped?: string;
  phases: Phase[];
  ok: number;
  failures: number;
  failureReasons: string[];
  truncated: boolean;
  /** Median over rounds. */
  reqPerSec: number;
  /** Percentiles over the requests of all rounds pooled. */
  ttftP50: number;
  ttftP99: number;
  totalP50: number;
  totalP99: number;
  /** Median, min and max over rounds. */
  proxyCpuMsPerReq: number;
  proxyCpuMin: number;
  proxyCpuMax: number;
  /** Median over rounds of this mode's CPU/request ÷ the passthrough's in the same round. */
  cpuVsFloor: number;
  /** Max over rounds. */
  proxyPeakRssMiB: number;
  stubCpuMsPerReq: number;
}

// ---------------------------------------------------------------- options

const flags = parseFlags(process.argv.slice(2));
const quick = flags.get("quick") === "true";

function parseList<T extends string>(raw: string, allowed: readonly T[], what: string): T[] {
  const out: T[] = [];
  for (const part of raw.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    if (!(allowed as readonly string[]).includes(part)) {
      throw new Error(`--${what}: unknown ${JSON.stringify(part)}; one of ${allowed.join(", ")}`);
    }
    if (!out.includes(part as T)) out.push(part as T);
  }
  if (out.length === 0) throw new Error(`--${what}: empty`);
  return out;
}

const modes = parseList(stringOption(flags, "modes", "BENCH_MODES", MODES.join(",")), MODES, "modes");

const SCENARIOS: Scenario[] = quick
  ? [
      { name: "throughput", ttftMs: 0, chunks: 20, chunkDelayMs: 0, concurrency: 4, requests: 60, warmup: 10 },
      { name: "realistic", ttftMs: 5, chunks: 5, chunkDelayMs: 1, concurrency: 4, requests: 20, warmup: 4 },
    ]
  : [
      // Back-to-back chunks: what the proxy costs per request and per event with nothing to wait
      // for. Closed loop at saturation: latencies here are mostly queueing on 2 cores.
      { name: "throughput", ttftMs: 0, chunks: 50, chunkDelayMs: 0, concurrency: 32, requests: 15000, warmup: 300 },
      // A model-like stream well below saturation: the upstream thinks for 20 ms, then sends 20
      // chunks 2 ms apart. This is where added TTFT means what a user would see.
      { name: "realistic", ttftMs: 20, chunks: 20, chunkDelayMs: 2, concurrency: 32, requests: 2000, warmup: 200 },
    ];
const scenarioNames = parseList(
  stringOption(flags, "scenarios", "BENCH_SCENARIOS", SCENARIOS.map((s) => s.name).join(",")),
  SCENARIOS.map((s) => s.name),
  "scenarios",
);
const scenarios: Scenario[] = SCENARIOS.filter((s) => scenarioNames.includes(s.name)).map((s) => ({
  ...s,
  requests: Math.max(1, Math.floor(numberOption(flags, "requests", "BENCH_REQUESTS", s.requests))),
  concurrency: Math.max(1, Math.floor(numberOption(flags, "concurrency", "BENCH_CONCURRENCY", s.concurrency))),
  warmup: Math.floor(numberOption(flags, "warmup", "BENCH_WARMUP", s.warmup)),
}));
const rounds = Math.max(1, Math.floor(numberOption(flags, "rounds", "BENCH_ROUNDS", quick ? 1 : 3)));
const budgetMs = numberOption(flags, "budget-s", "BENCH_BUDGET_S", 165) * 1000;
const outFile = resolve(stringOption(flags, "out", "BENCH_OUT", join(ROOT, ".bench", "last.md")));
const jsonFile = flags.get("json");
/** `--profile DIR`: run lipstd under Bun's CPU profiler, one Markdown profile per phase in DIR. */
const profileDir = flags.has("profile") ? resolve(flags.get("profile") === "true" ? join(ROOT, ".bench", "profiles") : flags.get("profile")!) : undefined;

/** Hard cap on one measured phase's load (it then reports what it did, marked truncated). */
const PHASE_MAX_MS = quick ? 20_000 : 30_000;

// ---------------------------------------------------------------- processes

process.on("exit", killAllChildrenNow);
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    killAllChildrenNow();
    process.exit(130);
  });
}

interface Started {
  child: Child;
  port: number;
}

async function startStub(s: Scenario): Promise<Started> {
  const { child, match } = await spawnReady(
    "stub",
    [
      BUN,
      join(ROOT, "bench", "stub-upstream.ts"),
      "--port",
      "0",
      "--ttft-ms",
      String(s.ttftMs),
      "--chunks",
      String(s.chunks),
      "--chunk-delay-ms",
      String(s.chunkDelayMs),
    ],
    /^PORT=(\d+)$/,
    10_000,
  );
  return { child, port: Number(match[1]) };
}

async function startPassthrough(stubPort: number): Promise<Started> {
  const { child, match } = await spawnReady(
    "passthrough",
    [BUN, join(ROOT, "bench", "passthrough.ts"), "--port", "0", "--upstream", `http://127.0.0.1:${stubPort}`],
    /^PORT=(\d+)$/,
    10_000,
  );
  return { child, port: Number(match[1]) };
}

function lipstdConfig(stubPort: number): string {
  return [
    `server: { address: "127.0.0.1:0" }`,
    `backends:`,
    `  - id: upstream`,
    `    kind: openai-legacy`,
    `    base_url: http://127.0.0.1:${stubPort}/v1`,
    `    api_key: bench-key`,
    `routing: { default_route: "upstream:bench-model" }`,
    `logging: { level: warn }`,
    ``,
  ].join("\n");
}

async function startLipstd(stubPort: number, dir: string): Promise<Started> {
  const config = join(dir, "lipstd-bench.yaml");
  writeFileSync(config, lipstdConfig(stubPort));
  const port = freePort();
  const { child } = await spawnReady(
    "lipstd",
    [
      BUN,
      ...(profileDir === undefined ? [] : ["--cpu-prof-md", `--cpu-prof-dir=${profileDir}`]),
      join(ROOT, "src", "cli.ts"),
      "serve",
      "--config",
      config,
      "--address",
      `127.0.0.1:${port}`,
    ],
    /lipstd listening on (\S+)/,
    20_000,
  );
  return { child, port };
}

function lipstdMissing(): string | undefined {
  for (const rel of ["src/cli.ts", "src/server/server.ts"]) {
    if (!existsSync(join(ROOT, rel))) return `pending: ${rel} is not in this tree`;
  }
  return undefined;
}

// ---------------------------------------------------------------- one phase

/**
 * Every request is its own conversation: the user message carries a unique number. Identical
 * bodies would all look like one conversation to anything that fingerprints the conversation's
 * start (lipstd's continuity does), which is not what a fleet of clients sends.
 */
let conversation = 0;
const [BODY_HEAD, BODY_TAIL] = JSON.stringify({
  model: "bench-model",
  stream: true,
  stream_options: { include_usage: true },
  messages: [
    { role: "system", content: "You are a benchmark." },
    { role: "user", content: "Say something, in as many chunks as the stub likes. Conversation #@@" },
  ],
}).split("@@") as [string, string];
const requestBody = (): string => `${BODY_HEAD}${++conversation}${BODY_TAIL}`;

async function runPhase(s: Scenario, mode: Mode, round: number, stub: Started, dir: string): Promise<Phase> {
  let proxy: Started | undefined;
  try {
    if (mode === "passthrough") proxy = await startPassthrough(stub.port);
    else if (mode === "lipstd") proxy = await startLipstd(stub.port, dir);
    const port = proxy?.port ?? stub.port;
    const load = {
      url: `http://127.0.0.1:${port}/v1/chat/completions`,
      body: requestBody,
      headers: { authorization: "Bearer bench-key" },
      concurrency: s.concurrency,
      maxWallMs: PHASE_MAX_MS,
    };
    if (s.warmup > 0) {
      const warm = await runLoad({ ...load, requests: s.warmup });
      if (warm.failures > 0) {
        throw new Error(`warm-up: ${warm.failures}/${s.warmup} failed: ${warm.failureReasons.join(" | ")}`);
      }
    }
    const proxyBefore = proxy === undefined ? undefined : await sample(proxy.child.pid);
    const stubBefore = await sample(stub.child.pid);
    const result = await runLoad({ ...load, requests: s.requests });
    const stubAfter = await sample(stub.child.pid);
    const proxyAfter = proxy === undefined ? undefined : await sample(proxy.child.pid);
    const n = result.ok + result.failures;
    const perReq = (before: number, after: number): number => (n === 0 ? Number.NaN : ((after - before) * 1000) / n);
    return {
      round,
      load: result,
      reqPerSec: result.ok / (result.wallMs / 1000),
      proxyCpuMsPerReq:
        proxyBefore === undefined || proxyAfter === undefined
          ? Number.NaN
          : perReq(proxyBefore.cpuSeconds, proxyAfter.cpuSeconds),
      proxyPeakRssBytes: proxyAfter?.peakRssBytes ?? Number.NaN,
      stubCpuMsPerReq: perReq(stubBefore.cpuSeconds, stubAfter.cpuSeconds),
    };
  } finally {
    await proxy?.child.stop();
  }
}

// ---------------------------------------------------------------- aggregation

function median(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

function pooled(phases: readonly Phase[], pick: (l: LoadResult) => number[]): number[] {
  return phases.flatMap((p) => pick(p.load)).sort((a, b) => a - b);
}

function aggregate(scenario: string, mode: Mode, phases: Phase[], skipped: string | undefined, floor: Phase[]): Row {
  const ttft = pooled(phases, (l) => l.ttftMs);
  const total = pooled(phases, (l) => l.totalMs);
  const cpu = phases.map((p) => p.proxyCpuMsPerReq).filter((x) => Number.isFinite(x));
  const rss = phases.map((p) => p.proxyPeakRssBytes / (1024 * 1024)).filter((x) => Number.isFinite(x));
  const reasons = new Set<string>();
  for (const p of phases) for (const r of p.load.failureReasons) if (reasons.size < 5) reasons.add(r);
  const ratios = phases.map((p) => {
    const f = floor.find((q) => q.round === p.round);
    return f === undefined ? Number.NaN : p.proxyCpuMsPerReq / f.proxyCpuMsPerReq;
  });
  return {
    scenario,
    mode,
    ...(skipped === undefined ? {} : { skipped }),
    phases,
    ok: phases.reduce((a, p) => a + p.load.ok, 0),
    failures: phases.reduce((a, p) => a + p.load.failures, 0),
    failureReasons: [...reasons],
    truncated: phases.some((p) => p.load.truncated),
    reqPerSec: median(phases.map((p) => p.reqPerSec)),
    ttftP50: percentile(ttft, 50),
    ttftP99: percentile(ttft, 99),
    totalP50: percentile(total, 50),
    totalP99: percentile(total, 99),
    proxyCpuMsPerReq: median(cpu),
    proxyCpuMin: cpu.length === 0 ? Number.NaN : Math.min(...cpu),
    proxyCpuMax: cpu.length === 0 ? Number.NaN : Math.max(...cpu),
    cpuVsFloor: median(ratios),
    proxyPeakRssMiB: rss.length === 0 ? Number.NaN : Math.max(...rss),
    stubCpuMsPerReq: median(phases.map((p) => p.stubCpuMsPerReq)),
  };
}

// ---------------------------------------------------------------- table

function fmt(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : "n/a";
}

function signed(n: number, digits: number): string {
  if (!Number.isFinite(n)) return "n/a";
  return (n >= 0 ? "+" : "") + n.toFixed(digits);
}

function times(n: number): string {
  return Number.isFinite(n) ? `${n.toFixed(2)}×` : "n/a";
}

const COLUMNS = [
  "mode",
  "ok",
  "fail",
  "req/s",
  "req/s vs direct",
  "TTFT p50 ms",
  "TTFT p99 ms",
  "TTFT p50 added vs direct ms",
  "TTFT p50 added vs floor ms",
  "total p50 ms",
  "total p99 ms",
  "proxy CPU ms/req (min–max)",
  "CPU vs floor",
  "proxy peak RSS MiB",
  "stub CPU ms/req",
];

function table(s: Scenario, rows: Row[]): string {
  const direct = rows.find((r) => r.mode === "direct" && r.skipped === undefined);
  const floor = rows.find((r) => r.mode === "passthrough" && r.skipped === undefined);
  const lines = [`| ${COLUMNS.join(" | ")} |`, `|${COLUMNS.map((c) => (c === "mode" ? "---" : "---:")).join("|")}|`];
  for (const r of rows) {
    if (r.skipped !== undefined) {
      lines.push(`| ${r.mode} | ${r.skipped} |${" |".repeat(COLUMNS.length - 2)}`);
      continue;
    }
    const isDirect = r.mode === "direct";
    const cells = [
      r.mode + (r.truncated ? " (truncated)" : ""),
      String(r.ok),
      String(r.failures),
      fmt(r.reqPerSec, 0),
      isDirect ? "1.00×" : times(r.reqPerSec / (direct?.reqPerSec ?? Number.NaN)),
      fmt(r.ttftP50, 2),
      fmt(r.ttftP99, 2),
      isDirect ? "—" : signed(r.ttftP50 - (direct?.ttftP50 ?? Number.NaN), 2),
      r.mode === "lipstd" ? signed(r.ttftP50 - (floor?.ttftP50 ?? Number.NaN), 2) : "—",
      fmt(r.totalP50, 2),
      fmt(r.totalP99, 2),
      isDirect ? "n/a" : `${fmt(r.proxyCpuMsPerReq, 3)} (${fmt(r.proxyCpuMin, 3)}–${fmt(r.proxyCpuMax, 3)})`,
      isDirect ? "—" : times(r.cpuVsFloor),
      isDirect ? "n/a" : fmt(r.proxyPeakRssMiB, 1),
      fmt(r.stubCpuMsPerReq, 3),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  const done = Math.max(0, ...rows.map((r) => r.phases.length));
  const title =
    `### ${s.name}: concurrency ${s.concurrency}, ${s.requests} requests × ${done} round(s) per mode ` +
    `(each after ${s.warmup} warm-up); stub TTFT ${s.ttftMs} ms, ${s.chunks} chunks ${s.chunkDelayMs} ms apart`;
  return [title, "", ...lines].join("\n");
}

function machine(): string {
  let cpu = "unknown CPU";
  let memGiB = Number.NaN;
  try {
    cpu = readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ?? cpu;
    memGiB = Number(readFileSync("/proc/meminfo", "utf8").match(/^MemTotal:\s+(\d+)/m)?.[1]) / (1024 * 1024);
  } catch {
    // not Linux
  }
  return `${navigator.hardwareConcurrency} × ${cpu}, ${fmt(memGiB, 1)} GiB RAM, Bun ${Bun.version}, ${process.platform} ${release()}`;
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "lipstd-bench-"));
  const started = performance.now();
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const sections: string[] = [];
  const allRows: Row[] = [];
  let overBudget = false;
  const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);
  try {
    log(machine());
    for (const s of scenarios) {
      const phases = new Map<Mode, Phase[]>(modes.map((m) => [m, []]));
      const skipped = new Map<Mode, string>();
      const lipstdPending = lipstdMissing();
      if (modes.includes("lipstd") && lipstdPending !== undefined) skipped.set("lipstd", lipstdPending);
      const stub = await startStub(s);
      try {
        for (let round = 0; round < rounds; round++) {
          // Rotate the order so no mode always runs first or last in a round.
          const order = modes.map((_, i) => modes[(i + round) % modes.length]!);
          for (const mode of order) {
            if (skipped.has(mode)) continue;
            if (performance.now() - started > budgetMs) {
              overBudget = true;
              break;
            }
            log(`${s.name} round ${round + 1}/${rounds}: ${mode}`);
            try {
              const p = await runPhase(s, mode, round, stub, dir);
              phases.get(mode)!.push(p);
              if (p.load.failures > 0) log(`  ${p.load.failures} failures: ${p.load.failureReasons.join(" | ")}`);
            } catch (err) {
              const msg = err instanceof Error ? err.message : String(err);
              log(`  ${mode} failed: ${msg}`);
              skipped.set(mode, `error: ${msg.split("\n")[0]}`);
            }
          }
        }
      } finally {
        await stub.child.stop();
      }
      const floor = phases.get("passthrough") ?? [];
      const rows = modes.map((m) => aggregate(s.name, m, phases.get(m)!, skipped.get(m), floor));
      sections.push(table(s, rows));
      allRows.push(...rows);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const elapsed = (performance.now() - started) / 1000;
  const md = [
    `Machine: ${machine()}`,
    `Run took ${elapsed.toFixed(1)} s${overBudget ? ` (stopped early: over the ${budgetMs / 1000} s budget)` : ""}; ` +
      `1-min load average ${fmt(loadBefore, 2)} before, ${fmt(loadavg()[0] ?? Number.NaN, 2)} after ` +
      `(before > 0.5 means other work was sharing the cores).`,
    "",
    sections.join("\n\n"),
    "",
  ].join("\n");
  process.stdout.write(md);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, md);
  if (jsonFile !== undefined) {
    const slim = allRows.map((r) => ({
      ...r,
      phases: r.phases.map((p) => ({ ...p, load: { ...p.load, ttftMs: undefined, totalMs: undefined } })),
    }));
    writeFileSync(resolve(jsonFile), JSON.stringify({ machine: machine(), elapsedSeconds: elapsed, scenarios, rows: slim }, null, 2));
  }
  const bad = allRows.some((r) => r.failures > 0 || (r.skipped?.startsWith("error") ?? false));
  return bad ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  process.stderr.write(`[bench] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
} finally {
  killAllChildrenNow();
}
process.exit(code);

/**
 * Closed-loop load generator: `concurrency` workers each issue streaming POSTs back-to-back until
 * `requests` have been issued (or the deadline passes). For every request it records the time to
 * the first SSE data event (the first complete `data:` line) and the time to the end of the body,
 * and checks that the body ended with `data: [DONE]`. Anything else is counted as a failure, with
 * the first few reasons kept, so a run that measures errors says so.
 */

export interface LoadOptions {
  url: string;
  /** The request body, or a function of the request's index (0-based, in issue order). */
  body: string | ((index: number) => string);
  headers?: Record<string, string>;
  concurrency: number;
  requests: number;
  /** Stop issuing new requests after this long (the run reports how many it did). */
  maxWallMs?: number;
  /** Abort one request after this long. */
  requestTimeoutMs?: number;
}

export interface LoadResult {
  /** Requests that finished with 200 and `data: [DONE]`. */
  ok: number;
  failures: number;
  /** Up to 5 distinct failure reasons. */
  failureReasons: string[];
  /** Ascending, ms, successful requests only. */
  ttftMs: number[];
  totalMs: number[];
  wallMs: number;
  bytes: number;
  /** True when the deadline stopped the run before `requests` were issued. */
  truncated: boolean;
}

const DATA_LINE = /(^|\n)data:[^\n]*\n/;
const DONE_TAIL = /(^|\n)data: ?\[DONE\]\s*$/;

/** One request; resolves with the two latencies or throws with a reason. */
async function one(
  opts: LoadOptions,
  body: string,
  signal: AbortSignal,
): Promise<{ ttft: number; total: number; bytes: number }> {
  const t0 = performance.now();
  const res = await fetch(opts.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...opts.headers },
    body,
    signal,
  });
  if (res.status !== 200 || res.body === null) {
    const text = await res.text().catch(() => "");
    throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
  }
  const decoder = new TextDecoder();
  let head = ""; // text before the first data line is complete
  let tail = ""; // the last bytes, for the [DONE] check
  let ttft = -1;
  let bytes = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    const text = decoder.decode(value, { stream: true });
    if (ttft < 0) {
      head += text;
      if (DATA_LINE.test(head)) {
        ttft = performance.now() - t0;
        head = "";
      }
    }
    tail = (tail + text).slice(-64);
  }
  const total = performance.now() - t0;
  if (ttft < 0) throw new Error("stream ended without a data event");
  if (!DONE_TAIL.test(tail)) throw new Error(`stream did not end with data: [DONE] (tail ${JSON.stringify(tail)})`);
  return { ttft, total, bytes };
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const maxWallMs = opts.maxWallMs ?? 120_000;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
  const ttftMs: number[] = [];
  const totalMs: number[] = [];
  const reasons = new Set<string>();
  let failures = 0;
  let bytes = 0;
  let issued = 0;
  let truncated = false;
  const start = performance.now();
  const deadline = start + maxWallMs;

  const worker = async (): Promise<void> => {
    while (issued < opts.requests) {
      if (performance.now() > deadline) {
        truncated = true;
        return;
      }
      const index = issued++;
      const body = typeof opts.body === "string" ? opts.body : opts.body(index);
      try {
        const r = await one(opts, body, AbortSignal.timeout(requestTimeoutMs));
        ttftMs.push(r.ttft);
        totalMs.push(r.total);
        bytes += r.bytes;
      } catch (err) {
        failures++;
        if (reasons.size < 5) reasons.add(err instanceof Error ? err.message : String(err));
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < Math.max(1, Math.min(opts.concurrency, opts.requests)); i++) workers.push(worker());
  await Promise.all(workers);
  const wallMs = performance.now() - start;
  ttftMs.sort((a, b) => a - b);
  totalMs.sort((a, b) => a - b);
  return {
    ok: ttftMs.length,
    failures,
    failureReasons: [...reasons],
    ttftMs,
    totalMs,
    wallMs,
    bytes,
    truncated,
  };
}

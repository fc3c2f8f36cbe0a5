/**
 * The floor: the most naive Bun proxy there is. Every request is forwarded as-is with `fetch` and
 * the upstream body is handed straight back with `new Response(upstream.body)` — no parsing, no
 * routing, no logging. Whatever lipstd costs above this is lipstd's own.
 *
 *   bun bench/passthrough.ts --upstream http://127.0.0.1:<stubPort> [--port 0]
 *
 * Prints one line `PORT=<n>` on stdout when listening (on 127.0.0.1 only).
 */
import { numberOption, parseFlags, stringOption } from "./util.ts";

const flags = parseFlags(process.argv.slice(2));
const upstream = stringOption(flags, "upstream", "PASSTHROUGH_UPSTREAM", "").replace(/\/+$/, "");
const port = numberOption(flags, "port", "PASSTHROUGH_PORT", 0);
if (upstream === "") {
  process.stderr.write("passthrough: --upstream <url> is required\n");
  process.exit(2);
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port,
  idleTimeout: 60,
  async fetch(req, srv) {
    srv.timeout(req, 0);
    const url = new URL(req.url);
    const res = await fetch(upstream + url.pathname + url.search, {
      method: req.method,
      headers: req.headers,
      body: req.body,
    });
    return new Response(res.body, { status: res.status, headers: res.headers });
  },
});

process.stdout.write(`PORT=${server.port}\n`);

const shutdown = (): void => {
  void server.stop(true);
  process.exit(0);
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);

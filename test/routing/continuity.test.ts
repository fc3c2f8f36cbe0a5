import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { MemoryContinuityStore } from "../../src/core/continuity/memory-store.ts";
import { schemaVersion } from "../../src/core/continuity/sqlite-migrations.ts";
import { SqliteContinuityStore } from "../../src/core/continuity/sqlite-store.ts";
import type { ALegRecord, AttemptRecord } from "../../src/core/continuity/types.ts";
import { identifyALeg } from "../../src/core/continuity/a-leg-identity.ts";
import type { CanonicalCall } from "../../src/core/model/call.ts";
import { attemptsOf, chat, config, diagnostics, start, stub } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "lipstd-continuity-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function leg(id: string, updatedAt = 0): ALegRecord {
  return { id, createdAt: 0, updatedAt, identity: "fingerprint", turns: 0, attempts: 0, routeState: {} };
}

function attempt(aLegId: string, seq: number, extra: Partial<AttemptRecord> = {}): AttemptRecord {
  return { bLegId: `b_${aLegId}_${seq}`, aLegId, seq, backendId: "x", model: "m", role: "failover arm", startedAt: seq, ...extra };
}

function call(messages: Array<[string, string]>): CanonicalCall {
  return {
    model: "m",
    messages: messages.map(([role, text]) => ({ role: role as "user", parts: [{ type: "text", text }] })),
    tools: [],
    options: {},
    stream: false,
    sourceDialect: "openai-chat",
    extensions: {},
  };
}

describe("A-leg identity", () => {
  test("turns of one conversation share an A-leg; another conversation gets another", () => {
    const none = new Headers();
    const first = identifyALeg(none, call([["system", "be brief"], ["user", "hi"]]));
    const later = identifyALeg(none, call([["system", "be brief"], ["user", "hi"], ["assistant", "hello"], ["user", "more"]]));
    const other = identifyALeg(none, call([["system", "be verbose"], ["user", "hi"]]));
    expect(first.id).toMatch(/^a_[0-9a-f]{32}$/);
    expect(later.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
  });

  test("the client scope separates the same opening from different clients, and holds across turns", () => {
    const none = new Headers();
    const opening = call([["system", "be brief"], ["user", "hi"]]);
    const alice = identifyALeg(none, opening, "key=sk-alice\u0000peer=10.0.0.1");
    const bob = identifyALeg(none, opening, "key=sk-bob\u0000peer=10.0.0.1");
    const aliceLater = identifyALeg(none, call([["system", "be brief"], ["user", "hi"], ["assistant", "hello"], ["user", "more"]]), "key=sk-alice\u0000peer=10.0.0.1");
    expect(alice.id).toMatch(/^a_[0-9a-f]{32}$/);
    expect(bob.id).not.toBe(alice.id);
    expect(aliceLater.id).toBe(alice.id);
    expect(identifyALeg(none, opening).id).not.toBe(alice.id);
    expect(alice.identity).toBe("fingerprint");
  });

  test("headers win: an explicit A-leg id, then a session id", () => {
    const explicit = `a_${"0".repeat(32)}`;
    expect(identifyALeg(new Headers({ "x-lip-a-leg-id": explicit, "x-lip-session-id": "s" }), call([["user", "hi"]]))).toEqual({ id: explicit, identity: "a_leg_header" });
    const session = identifyALeg(new Headers({ "x-lip-session-id": "s" }), call([["user", "hi"]]));
    expect(session.identity).toBe("session_header");
    expect(identifyALeg(new Headers({ "x-lip-session-id": "s" }), call([["user", "other"]])).id).toBe(session.id);
  });
});

describe("memory store", () => {
  test("max_legs evicts the least recently used A-leg", async () => {
    const store = new MemoryContinuityStore({ maxLegs: 2 });
    await store.putALeg(leg("a"));
    await store.putALeg(leg("b"));
    await store.getALeg("a");
    await store.putALeg(leg("c"));
    expect(await store.getALeg("b")).toBeUndefined();
    expect(await store.getALeg("a")).toBeDefined();
    expect(store.size).toBe(2);
  });

  test("ttl forgets idle A-legs", async () => {
    let now = 1000;
    const store = new MemoryContinuityStore({ maxLegs: 10, ttlMs: 100 }, () => now);
    await store.putALeg(leg("a", 1000));
    now = 1050;
    expect(await store.getALeg("a")).toBeDefined();
    now = 1200;
    expect(await store.getALeg("a")).toBeUndefined();
  });

  test("attempt records update in place by B-leg id", async () => {
    const store = new MemoryContinuityStore({ maxLegs: 10 });
    await store.putALeg(leg("a"));
    await store.putAttempt(attempt("a", 1));
    await store.putAttempt(attempt("a", 1, { outcome: "success" }));
    await store.putAttempt(attempt("a", 2));
    expect((await store.listAttempts("a", 10)).map((record) => [record.seq, record.outcome])).toEqual([
      [1, "success"],
      [2, undefined],
    ]);
  });
});

describe("memory store history", () => {
  test("an A-leg keeps its last 1000 attempts, updates in place, and drops the oldest first", async () => {
    const store = new MemoryContinuityStore({ maxLegs: 10 });
    await store.putALeg(leg("a"));
    for (let seq = 1; seq <= 1005; seq++) await store.putAttempt(attempt("a", seq));
    await store.putAttempt(attempt("a", 1005, { outcome: "success" }));
    const kept = await store.listAttempts("a", 2000);
    expect(kept.length).toBe(1000);
    expect(kept[0]!.seq).toBe(6);
    expect(kept.at(-1)).toMatchObject({ seq: 1005, outcome: "success" });
    expect((await store.listAttempts("a", 2)).map((record) => record.seq)).toEqual([1004, 1005]);
  });
});

describe("A-legs over HTTP", () => {
  test("two clients opening with the same words get their own A-legs; each keeps its own across turns", async () => {
    const server = await start(config([stub("ok", { text: "hello" })], { diagnostics }));
    try {
      const opening = [{ role: "system", content: "You are helpful." }, { role: "user", content: "hi" }];
      const ask = async (key: string, messages: Array<{ role: string; content: string }>) => {
        const response = await chat(server, { headers: { authorization: `Bearer ${key}` }, messages });
        expect(response.status).toBe(200);
        await response.text();
        return response.headers.get("x-lip-a-leg-id")!;
      };
      const alice = await ask("sk-alice", opening);
      const bob = await ask("sk-bob", opening);
      expect(bob).not.toBe(alice);
      const aliceAgain = await ask("sk-alice", [...opening, { role: "assistant", content: "hello" }, { role: "user", content: "more" }]);
      expect(aliceAgain).toBe(alice);
      // Lineage is per client: Bob's conversation holds only his own B-leg.
      expect((await attemptsOf(server, alice)).map((record) => record.seq)).toEqual([1, 2]);
      expect((await attemptsOf(server, bob)).map((record) => record.seq)).toEqual([1]);
    } finally {
      await server.stop();
    }
  });
});

describe("client affinity over HTTP", () => {
  test("{client_sticky}: every conversation of one API key lands on the backend its first one got", async () => {
    const server = await start(config([stub("a", { text: "from a" }), stub("b", { text: "from b" })]));
    try {
      const answers = new Set<string>();
      for (let turn = 0; turn < 8; turn++) {
        const response = await chat(server, { route: "{client_sticky}a:m^b:m", headers: { authorization: "Bearer sk-sticky" }, messages: [{ role: "user", content: `question ${turn}` }] });
        expect(response.status).toBe(200);
        answers.add(((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content);
      }
      expect(answers.size).toBe(1);
    } finally {
      await server.stop();
    }
  });
});

describe("SQLite store", () => {
  test("round-trips A-legs and attempts, migrates once, prunes beyond max_legs", async () => {
    const path = join(dir, "unit", "lineage.sqlite");
    const store = new SqliteContinuityStore(path, { maxLegs: 2 });
    await store.putALeg({ ...leg("a", 1), routeState: { group: 2 }, turns: 3 });
    await store.putAttempt(attempt("a", 1, { outcome: "swallowed_failure", reason: "boom", failureClass: "provider_degraded" }));
    await store.putAttempt(attempt("a", 1, { outcome: "success", firstOutputAt: 5, finishedAt: 9 }));
    expect(await store.getALeg("a")).toMatchObject({ routeState: { group: 2 }, turns: 3 });
    expect(await store.listAttempts("a", 10)).toEqual([
      { bLegId: "b_a_1", aLegId: "a", seq: 1, backendId: "x", model: "m", role: "failover arm", startedAt: 1, firstOutputAt: 5, finishedAt: 9, outcome: "success" },
    ]);
    await store.putALeg(leg("b", 2));
    await store.close();
    const reopened = new SqliteContinuityStore(path, { maxLegs: 1 });
    expect(await reopened.getALeg("b")).toBeDefined();
    expect(await reopened.getALeg("a")).toBeUndefined();
    expect(await reopened.listAttempts("a", 10)).toEqual([]);
    await reopened.close();
    const db = new Database(path);
    expect(db.query<{ user_version: number }, []>("PRAGMA user_version").get()!.user_version).toBe(schemaVersion);
    expect(db.query<{ journal_mode: string }, []>("PRAGMA journal_mode").get()!.journal_mode).toBe("wal");
    db.close();
  });

  test("a database from a newer lipstd is refused rather than misread", () => {
    const path = join(dir, "newer.sqlite");
    const db = new Database(path);
    db.run(`PRAGMA user_version = ${schemaVersion + 1}`);
    db.close();
    expect(() => new SqliteContinuityStore(path, { maxLegs: 10 })).toThrow("newer than this lipstd");
  });

  test("lineage survives kill -9 and a restart", async () => {
    const path = join(dir, "restart", "lineage.sqlite");
    const child = Bun.spawn([process.execPath, join(import.meta.dir, "fixtures/serve-sqlite.ts"), path], { stdout: "pipe", stderr: "inherit" });
    const reader = child.stdout.getReader();
    let url = "";
    while (!url.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("child exited before printing its URL");
      url += new TextDecoder().decode(value);
    }
    const response = await fetch(`${url.trim()}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-lip-route": "flaky:m|ok:m" },
      body: JSON.stringify({ model: "x", messages: [{ role: "user", content: "remember me" }] }),
    });
    expect(response.status).toBe(200);
    const aLegId = response.headers.get("x-lip-a-leg-id")!;
    await response.text();
    child.kill(9);
    await child.exited;

    const server = await start(config([stub("flaky", { fail_status: 503 }), stub("ok", { text: "ok" })], { diagnostics, continuity: { store: "sqlite", sqlite_path: path } }));
    try {
      const attempts = await attemptsOf(server, aLegId);
      expect(attempts.map((record) => [record.seq, record.backend_id, record.outcome])).toEqual([
        [1, "flaky", "swallowed_failure"],
        [2, "ok", "success"],
      ]);
      // The same conversation continues its B-leg numbering after the restart.
      const next = await chat(server, { route: "ok:m", messages: [{ role: "user", content: "remember me" }] });
      expect(next.headers.get("x-lip-a-leg-id")).toBe(aLegId);
      await next.text();
      expect((await attemptsOf(server, aLegId)).map((record) => record.seq)).toEqual([1, 2, 3]);
    } finally {
      await server.stop();
    }
  });
});

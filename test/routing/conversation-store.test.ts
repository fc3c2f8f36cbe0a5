import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryConversationStore } from "../../src/core/continuity/conversation-memory-store.ts";
import { SqliteConversationStore } from "../../src/core/continuity/conversation-sqlite-store.ts";
import type { ConversationLimits, ConversationStore, StoredConversation } from "../../src/core/continuity/conversation-types.ts";
import { Conversations } from "../../src/core/continuity/conversations.ts";
import type { CanonicalCall } from "../../src/core/model/call.ts";
import { LipError } from "../../src/core/model/errors.ts";
import { openContinuityDatabase, schemaVersion } from "../../src/core/continuity/sqlite-migrations.ts";

const dir = mkdtempSync(join(tmpdir(), "lipstd-conversations-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const day = 86_400_000;

function record(id: string, createdAt: number, extra: Partial<StoredConversation> = {}): StoredConversation {
  return {
    id,
    dialect: "openai-responses",
    createdAt,
    messages: [
      { role: "system", parts: [{ type: "text", text: `instructions of ${id}` }] },
      { role: "user", parts: [{ type: "text", text: `question of ${id}` }] },
    ],
    preamble: 1,
    output: [
      { type: "reasoning", text: "thinking", kind: "thinking", signature: { dialect: "anthropic", value: "sig" } },
      { type: "text", text: `answer of ${id}` },
    ],
    rendered: { id, object: "response" },
    ...extra,
  };
}

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

type Opened = { store: ConversationStore; reopen?: () => ConversationStore; close: () => void };

const kinds: Array<[string, (limits: ConversationLimits, now: () => number) => Opened]> = [
  ["memory", (limits, now) => ({ store: new MemoryConversationStore(limits, now), close: () => undefined })],
  [
    "sqlite",
    (limits, now) => {
      const path = join(dir, `${crypto.randomUUID()}.sqlite`);
      let db = openContinuityDatabase(path);
      return {
        store: new SqliteConversationStore(db, limits, now),
        reopen: () => {
          db.close();
          db = openContinuityDatabase(path);
          return new SqliteConversationStore(db, limits, now);
        },
        close: () => db.close(),
      };
    },
  ],
];

for (const [kind, open] of kinds) {
  describe(`${kind} conversation store`, () => {
    test("round-trips a record, reasoning signatures included; a read hands out a copy", async () => {
      const time = clock();
      const { store, close } = open({ maxEntries: 10, maxBytes: 1 << 20 }, time.now);
      const kept = record("resp_a", time.now(), { owner: "key:1" });
      await store.put(structuredClone(kept));
      const read = (await store.get("resp_a"))!;
      expect(read).toEqual(kept);
      read.messages[1]!.parts.push({ type: "text", text: "edited by a request stage" });
      expect((await store.get("resp_a"))!.messages[1]!.parts).toHaveLength(1);
      close();
    });

    test("over max_entries the least recently used goes first; a read counts as a use", async () => {
      const time = clock();
      const { store, close } = open({ maxEntries: 2, maxBytes: 1 << 20 }, time.now);
      await store.put(record("resp_a", time.now()));
      time.advance(1);
      await store.put(record("resp_b", time.now()));
      time.advance(1);
      expect(await store.get("resp_a")).toBeDefined();
      time.advance(1);
      await store.put(record("resp_c", time.now()));
      expect(await store.get("resp_b")).toBeUndefined();
      expect((await store.get("resp_a"))?.id).toBe("resp_a");
      expect((await store.get("resp_c"))?.id).toBe("resp_c");
      close();
    });

    test("over max_bytes the least recently used go first; a record larger than max_bytes is not kept", async () => {
      const time = clock();
      const { store, close } = open({ maxEntries: 10, maxBytes: 25_000 }, time.now);
      const big = (id: string, chars: number) => record(id, time.now(), { messages: [{ role: "user", parts: [{ type: "text", text: "x".repeat(chars) }] }], preamble: 0 });
      await store.put(big("resp_a", 10_000));
      await store.put(big("resp_b", 10_000));
      expect(await store.get("resp_a")).toBeDefined();
      await store.put(big("resp_c", 10_000));
      expect(await store.get("resp_b")).toBeUndefined();
      expect(await store.get("resp_a")).toBeDefined();
      expect(await store.get("resp_c")).toBeDefined();
      await store.put(big("resp_huge", 30_000));
      expect(await store.get("resp_huge")).toBeUndefined();
      close();
    });

    test("a record expires ttl after it was stored, however often it is read", async () => {
      const time = clock();
      const { store, close } = open({ maxEntries: 10, maxBytes: 1 << 20, ttlMs: 30 * day }, time.now);
      await store.put(record("resp_a", time.now()));
      time.advance(29 * day);
      expect(await store.get("resp_a")).toBeDefined();
      time.advance(day - 1);
      expect(await store.get("resp_a")).toBeDefined();
      time.advance(1);
      expect(await store.get("resp_a")).toBeUndefined();
      expect(await store.delete("resp_a")).toBe(false);
      close();
    });

    test("delete removes a live record once", async () => {
      const time = clock();
      const { store, close } = open({ maxEntries: 10, maxBytes: 1 << 20 }, time.now);
      await store.put(record("resp_a", time.now()));
      expect(await store.delete("resp_a")).toBe(true);
      expect(await store.delete("resp_a")).toBe(false);
      expect(await store.get("resp_a")).toBeUndefined();
      close();
    });
  });
}

describe("SQLite conversation store across a restart", () => {
  test("records survive closing and reopening the database; limits apply on reopening", async () => {
    const time = clock();
    const opened = kinds[1]![1]({ maxEntries: 5, maxBytes: 1 << 20, ttlMs: day }, time.now);
    await opened.store.put(record("resp_a", time.now()));
    time.advance(day / 2);
    await opened.store.put(record("resp_b", time.now()));
    const reopened = opened.reopen!();
    expect((await reopened.get("resp_a"))?.output).toEqual(record("resp_a", 0).output);
    time.advance(day / 2);
    // Reopening sweeps expired rows; resp_b is still within its day.
    const later = opened.reopen!();
    expect(await later.get("resp_a")).toBeUndefined();
    expect(await later.get("resp_b")).toBeDefined();
    opened.close();
  });

  test("a database of the previous schema version gains the table on opening", () => {
    const path = join(dir, "v1.sqlite");
    const db = openContinuityDatabase(path);
    db.run("DROP TABLE conversations");
    db.run(`PRAGMA user_version = ${schemaVersion - 1}`);
    db.close();
    const upgraded = openContinuityDatabase(path);
    expect(upgraded.query<{ user_version: number }, []>("PRAGMA user_version").get()!.user_version).toBe(schemaVersion);
    expect(upgraded.query("SELECT COUNT(*) AS count FROM conversations").get()).toEqual({ count: 0 });
    upgraded.close();
  });
});

function call(continuation: CanonicalCall["continuation"], texts: Array<[role: "system" | "user" | "tool", text: string]>): CanonicalCall {
  return {
    model: "m",
    messages: texts.map(([role, text]) => ({ role, parts: [{ type: "text", text }] })),
    tools: [],
    options: {},
    stream: false,
    sourceDialect: "openai-responses",
    extensions: {},
    ...(continuation && { continuation }),
  };
}

function texts(messages: CanonicalCall["messages"]): string[] {
  return messages.map((message) => `${message.role}: ${message.parts.map((part) => (part.type === "text" ? part.text : `[${part.type}]`)).join(" ")}`);
}

async function rejection(pending: Promise<unknown>): Promise<LipError> {
  try {
    await pending;
  } catch (thrown) {
    if (thrown instanceof LipError) return thrown;
    throw thrown;
  }
  throw new Error("expected a rejection");
}

describe("Conversations", () => {
  const log = () => undefined;

  test("a continuation goes after the new preamble; the old preamble stays behind, the answer comes along", async () => {
    const conversations = new Conversations(new MemoryConversationStore({ maxEntries: 10, maxBytes: 1 << 20 }), log);
    conversations.save(record("resp_a", Date.now()));
    const continued = await conversations.continueCall(call({ previousId: "resp_a", preamble: 1 }, [["system", "new instructions"], ["user", "next question"]]), undefined);
    expect(texts(continued.messages)).toEqual(["system: new instructions", "user: question of resp_a", "assistant: [reasoning] answer of resp_a", "user: next question"]);
    const signed = continued.messages[2]!.parts[0]!;
    expect(signed.type === "reasoning" && signed.signature).toEqual({ dialect: "anthropic", value: "sig" });
  });

  test("a read right after a save waits for a store that writes slowly", async () => {
    const inner = new MemoryConversationStore({ maxEntries: 10, maxBytes: 1 << 20 });
    let release: () => void = () => undefined;
    const slow: ConversationStore = {
      kind: "slow",
      get: (id) => inner.get(id),
      put: (kept) => new Promise<void>((resolve) => (release = () => void inner.put(kept).then(resolve))),
      delete: (id) => inner.delete(id),
      close: () => inner.close(),
    };
    const conversations = new Conversations(slow, log);
    conversations.save(record("resp_a", Date.now()));
    const loading = conversations.load("resp_a", undefined);
    release();
    expect((await loading)?.id).toBe("resp_a");
  });

  test("another client's record, another dialect's, or none at all is previous_response_not_found", async () => {
    const conversations = new Conversations(new MemoryConversationStore({ maxEntries: 10, maxBytes: 1 << 20 }), log);
    conversations.save(record("resp_owned", Date.now(), { owner: "key:alice" }));
    conversations.save(record("resp_gemini", Date.now(), { dialect: "gemini" }));
    expect((await conversations.load("resp_owned", "key:alice"))?.id).toBe("resp_owned");
    expect(await conversations.load("resp_owned", "key:mallory")).toBeUndefined();
    expect(await conversations.load("resp_owned", undefined)).toBeUndefined();
    expect(await conversations.remove("resp_owned", "key:mallory")).toBe(false);
    for (const [id, owner] of [["resp_owned", "key:mallory"], ["resp_gemini", undefined], ["resp_none", undefined]] as const) {
      const error = await rejection(conversations.continueCall(call({ previousId: id, preamble: 0 }, [["user", "q"]]), owner));
      expect(error.error).toMatchObject({ kind: "not_found", status: 404, code: "previous_response_not_found", param: "previous_response_id" });
    }
    expect(await conversations.remove("resp_owned", "key:alice")).toBe(true);
    expect(await conversations.load("resp_owned", "key:alice")).toBeUndefined();
  });

  test("switched off: nothing is saved and a continuation is a 400 that says so", async () => {
    const conversations = new Conversations(undefined, log);
    conversations.save(record("resp_a", Date.now()));
    expect(await conversations.load("resp_a", undefined)).toBeUndefined();
    const error = await rejection(conversations.continueCall(call({ previousId: "resp_a", preamble: 0 }, [["user", "q"]]), undefined));
    expect(error.error).toMatchObject({ status: 400, code: "unsupported_parameter", param: "previous_response_id" });
    expect(error.message).toContain("continuity.stored_responses.enabled");
  });
});

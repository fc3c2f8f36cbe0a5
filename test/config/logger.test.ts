import { describe, expect, test } from "bun:test";
import { createLogger } from "../../src/server/logger.ts";

function capture(options: Parameters<typeof createLogger>[0]) {
  const lines: string[] = [];
  return { log: createLogger(options, (line) => lines.push(line)), lines };
}

describe("text format", () => {
  test("timestamp, upper-case level, message, key=value fields, one line", () => {
    const { log, lines } = capture({ level: "info", format: "text" });
    log("info", "request done", { status: 200, backend: "stub", note: "two words" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO request done status=200 backend=stub note="two words"\n$/);
  });

  test("a multi-line message stays on one line", () => {
    const { log, lines } = capture({ level: "info", format: "text" });
    log("error", "first\nsecond");
    expect(lines[0]).toEndWith(" ERROR first\\nsecond\n");
  });
});

describe("json format", () => {
  test("one object per line with time, level, msg and the fields", () => {
    const { log, lines } = capture({ level: "debug", format: "json" });
    log("warn", "slow", { ms: 1200, msg: "field named msg" });
    expect(lines[0]).toEndWith("\n");
    const record = JSON.parse(lines[0]!);
    expect(record).toMatchObject({ level: "warn", msg: "slow", ms: 1200, field_msg: "field named msg" });
    expect(Date.parse(record.time)).not.toBeNaN();
  });
});

describe("level filtering", () => {
  test("records below the level are dropped", () => {
    const { log, lines } = capture({ level: "warn", format: "text" });
    log("debug", "d");
    log("info", "i");
    log("warn", "w");
    log("error", "e");
    expect(lines.map((line) => line.split(" ")[1])).toEqual(["WARN", "ERROR"]);
  });

  test("a dropped record does not even look at its fields", () => {
    let reads = 0;
    const fields = {
      get expensive(): string {
        reads += 1;
        return "value";
      },
    };
    const { log, lines } = capture({ level: "error", format: "json" });
    log("debug", "never", fields);
    expect(reads).toBe(0);
    log("error", "kept", fields);
    expect(reads).toBe(1);
    expect(lines).toHaveLength(1);
  });
});

describe("secrets never reach the output", () => {
  const secrets = {
    api_key: "plain-value-1",
    Authorization: "Bearer abc.def.ghi",
    "x-api-key": "plain-value-2",
    refresh_token: "plain-value-3",
    client_secret: "plain-value-4",
  };

  for (const format of ["text", "json"] as const) {
    test(`fields named like keys, tokens, secrets, authorization (${format})`, () => {
      const { log, lines } = capture({ level: "debug", format });
      log("info", "calling upstream", { ...secrets, headers: { authorization: "Bearer nested-value" }, input_tokens: 12, keys: 2 });
      const line = lines[0]!;
      for (const value of [...Object.values(secrets), "nested-value"]) expect(line).not.toContain(value);
      expect(line).toContain("[REDACTED]");
      // Counts under such names are not secrets and stay readable.
      expect(line).toMatch(/input_tokens"?[=:]12/);
      expect(line).toMatch(/keys"?[=:]2/);
    });
  }

  test("provider-key shapes anywhere: message, plain fields, errors, arrays", () => {
    const { log, lines } = capture({ level: "debug", format: "text" });
    const openai = "sk-proj-AbCdEf0123456789AbCdEf0123456789";
    const anthropic = "sk-ant-api03-AbCdEf0123456789AbCdEf0123456789";
    const google = "AIzaSyA-0123456789abcdefghijklmnopqrstu";
    log("error", `upstream rejected ${openai}`, {
      detail: `key ${anthropic} invalid`,
      list: [google],
      error: new Error(`bad key ${openai}`),
    });
    const line = lines[0]!;
    for (const key of [openai, anthropic, google]) expect(line).not.toContain(key);
    expect(line.match(/\[REDACTED\]/g)?.length).toBe(4);
    expect(line).toContain("upstream rejected [REDACTED]");
  });

  test("words that merely contain 'sk-' are left alone", () => {
    const { log, lines } = capture({ level: "debug", format: "text" });
    log("info", "task-runner disk-cache sk-short");
    expect(lines[0]).toContain("task-runner disk-cache sk-short");
  });
});

import { describe, expect, test } from "bun:test";
import { minimal, parse, problems } from "./helpers.ts";

describe("routing, continuity and diagnostics keys", () => {
  test("durations load as milliseconds", () => {
    const config = parse(
      `routing:\n  retry:\n    max_retries: 2\n    initial_backoff: 100ms\n    max_backoff: 2s\n  health:\n    circuit_breaker:\n      enabled: true\n      failure_threshold: 3\n      open_for: 1m\ncontinuity:\n  ttl: 24h\n${minimal}`,
    );
    expect(config.routing.retry).toEqual({ max_retries: 2, initial_backoff: 100, max_backoff: 2000 });
    expect(config.routing.health.circuit_breaker).toEqual({ enabled: true, failure_threshold: 3, open_for: 60_000 });
    expect(config.continuity.ttl).toBe(86_400_000);
  });

  test("a default route with a syntax error is reported with the parser's message and position", () => {
    expect(problems(`routing:\n  default_route: "stub:a||stub:b"\n${minimal}`)).toEqual(["routing.default_route: invalid route selector: empty failover arm at position 7"]);
    expect(problems(`routing:\n  default_route: "[weight=2]stub:a!stub:b"\n${minimal}`)[0]).toContain("is not allowed on a race leg");
  });

  test("stored responses: on by default for 30 days; days are a duration unit; unknown keys are errors", () => {
    expect(parse(minimal).continuity.stored_responses).toEqual({ enabled: true, max_entries: 10_000, max_bytes: 256 * 1024 * 1024, ttl: 30 * 86_400_000 });
    const tuned = parse(`continuity:\n  stored_responses:\n    enabled: false\n    max_entries: 50\n    max_bytes: 1MiB\n    ttl: 1d12h\n${minimal}`);
    expect(tuned.continuity.stored_responses).toEqual({ enabled: false, max_entries: 50, max_bytes: 1024 * 1024, ttl: 36 * 3_600_000 });
    expect(problems(`continuity:\n  stored_responses:\n    max_entrys: 5\n${minimal}`).join("\n")).toContain("continuity.stored_responses");
    expect(problems(`continuity:\n  stored_responses:\n    max_entries: 0\n${minimal}`).join("\n")).toContain("continuity.stored_responses.max_entries");
  });

  test("sqlite store needs a path", () => {
    expect(problems(`continuity:\n  store: sqlite\n${minimal}`)).toEqual(["continuity.sqlite_path: required when continuity.store is sqlite"]);
    expect(parse(`continuity:\n  store: sqlite\n  sqlite_path: /tmp/x.sqlite\n${minimal}`).continuity.sqlite_path).toBe("/tmp/x.sqlite");
  });

  test("an alias replacement may not use a capture group its pattern lacks", () => {
    expect(problems(`model_aliases:\n  - pattern: "^fast$"\n    replacement: "stub:$1"\n${minimal}`)).toEqual(['model_aliases[0].replacement: "$1" but the pattern has 0 capture group(s)']);
  });

  test("diagnostics paths are absolute and the secret is not trivially short", () => {
    const found = problems(`diagnostics:\n  enabled: true\n  shared_secret: short\n  attempts_path: attempts\n${minimal}`).join("\n");
    expect(found).toContain("diagnostics.shared_secret");
    expect(found).toContain("diagnostics.attempts_path");
  });

  test("unknown keys in the new sections are errors", () => {
    expect(problems(`continuity:\n  stroe: sqlite\n${minimal}`).join("\n")).toContain("continuity");
    expect(problems(`routing:\n  health:\n    circuit_braker: {}\n${minimal}`).join("\n")).toContain("routing.health");
  });
});

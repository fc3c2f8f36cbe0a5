import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config/load.ts";
import { fakeRegistry, minimal, parse, problems } from "./helpers.ts";

describe("errors name the key path", () => {
  test("unknown top-level key", () => {
    expect(problems(`servr:\n  address: 1.2.3.4:5\n${minimal}`)).toEqual(["servr: unknown key"]);
  });

  test("unknown nested key", () => {
    expect(problems(`server:\n  limits:\n    max_mesages: 3\n${minimal}`)).toEqual(["server.limits.max_mesages: unknown key"]);
  });

  test("unknown key in a backend entry, checked against that entry's kind", () => {
    const text = "backends:\n  - id: a\n    kind: local-stub\n  - id: b\n    kind: local-stub\n    chunkz: 3\n    organization: x\n";
    expect(problems(text)).toEqual(["backends[1].chunkz: unknown key", "backends[1].organization: unknown key"]);
  });

  test("a kind's own key is fine on that kind", () => {
    expect(parse("backends:\n  - id: o\n    kind: openai-legacy\n    organization: org-1\n").backends[0]?.organization).toBe("org-1");
  });

  test("unregistered backend kind lists the known ones", () => {
    expect(problems("backends:\n  - id: a\n    kind: local-stub\n  - id: b\n    kind: nope\n")).toEqual([
      'backends[1].kind: unknown backend kind "nope" (known: local-stub, openai-legacy)',
    ]);
  });

  test("missing id and kind", () => {
    expect(problems("backends:\n  - enabled: true\n")).toEqual([
      "backends[0].id: required key is missing",
      "backends[0].kind: required key is missing",
      "backends: no enabled backend (at least one is required)",
    ]);
  });

  test("duplicate backend id names both entries", () => {
    expect(problems("backends:\n  - id: a\n    kind: local-stub\n  - id: a\n    kind: openai-legacy\n")).toEqual([
      'backends[1].id: duplicate backend id "a" (also backends[0])',
    ]);
  });

  test("bad backend id characters", () => {
    expect(problems("backends:\n  - id: my backend\n    kind: local-stub\n")).toEqual([
      'backends[0].id: expected an id of letters, digits, `_`, `.` or `-` (got "my backend")',
    ]);
  });

  test("alias pattern that is not a JavaScript RegExp names its index", () => {
    const lines = problems(`model_aliases:\n  - pattern: ^fast$\n    replacement: stub:m\n  - pattern: "(unclosed"\n    replacement: x\n${minimal}`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toStartWith("model_aliases[1].pattern: invalid regular expression:");
  });

  test("bad duration says which forms are accepted", () => {
    expect(problems(`server:\n  stream_keepalive_interval: 15 seconds\n${minimal}`)).toEqual([
      'server.stream_keepalive_interval: expected a duration: seconds as a number, or a string like "500ms", "15s", "2m", "1h" (got "15 seconds")',
    ]);
  });

  test("bad size, bad address, out-of-range number, bad enum", () => {
    expect(problems(`server:\n  max_body_bytes: 8 megs\n  address: localhost\nrouting:\n  max_attempts: 0\nlogging:\n  level: loud\n${minimal}`)).toEqual([
      'server.address: expected HOST:PORT, e.g. 127.0.0.1:8080 (got "localhost")',
      'server.max_body_bytes: expected a size: bytes as an integer, or a string like "512KiB", "8MiB", "1GB" (got "8 megs")',
      "routing.max_attempts: must be >= 1 (got 0)",
      'logging.level: must be one of: debug, info, warn, error (got "loud")',
    ]);
    expect(problems(`server:\n  address: 127.0.0.1:70000\n${minimal}`)).toEqual(['server.address: port must be 0-65535 (got "127.0.0.1:70000")']);
  });

  test("unknown feature name and unknown feature setting", () => {
    expect(problems(`features:\n  redactoin: {}\n  redaction:\n    mode: mask\n    level: 3\n${minimal}`)).toEqual([
      "features.redactoin: unknown feature (known: redaction)",
      "features.redaction.level: unknown key",
    ]);
  });

  test("a secret-looking key's value is never echoed in an error", () => {
    const [line] = problems("backends:\n  - id: o\n    kind: openai-legacy\n    api_key: [sk-abcdefghijklmnopqrstuvwxyz]\n");
    expect(line).toBe("backends[0].api_key: must be string");
  });
});

describe("route and backend rules", () => {
  test("no backend at all, or none enabled", () => {
    expect(problems("server:\n  address: 127.0.0.1:1\n")).toEqual(["backends: no backend configured (at least one enabled backend is required)"]);
    expect(problems("backends:\n  - id: a\n    kind: local-stub\n    enabled: false\n")).toEqual(["backends: no enabled backend (at least one is required)"]);
  });

  test("default_route naming an unknown or disabled backend", () => {
    const text = "routing:\n  default_route: '[weight=3]off:m1^ghost:m2|a:m3'\nbackends:\n  - id: a\n    kind: local-stub\n  - id: off\n    kind: local-stub\n    enabled: false\n";
    expect(problems(text)).toEqual(['routing.default_route: backend "off" is disabled', 'routing.default_route: backend "ghost" is not configured']);
  });

  test("default_route with model-only leaves, annotations and query strings is accepted", () => {
    const config = parse(`routing:\n  default_route: "{ttft_timeout=60}[ttft_timeout=30]stub:org/model:v1?temperature=0.2|gpt-4o"\n${minimal}`);
    expect(config.routing.default_route).toStartWith("{ttft_timeout=60}");
  });

  test("default_route is checked after model aliases rewrite it", () => {
    const text = `model_aliases:\n  - pattern: ^fast$\n    replacement: stub:quick\nrouting:\n  default_route: fast\n${minimal}`;
    expect(parse(text).routing.default_route).toBe("fast");
    const broken = `model_aliases:\n  - pattern: ^fast$\n    replacement: gone:quick\nrouting:\n  default_route: fast\n${minimal}`;
    expect(problems(broken)).toEqual(['routing.default_route: backend "gone" is not configured']);
  });
});

describe("reporting", () => {
  test("a YAML syntax error names line and column", () => {
    const lines = problems("server:\n  address: 127.0.0.1:8080\n backends: []\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^line 3, column \d+: YAML syntax error: /);
  });

  test("duplicate YAML keys are a syntax error, not a silent override", () => {
    expect(problems(`logging:\n  level: info\n  level: debug\n${minimal}`)[0]).toMatch(/^line 3, column 3: YAML syntax error: Map keys must be unique/);
  });

  test("every problem is reported in one error whose message lists each path", () => {
    let message = "";
    try {
      parse("servr: 1\nbackends:\n  - id: a\n    kind: local-stub\n    chunkz: 1\n  - id: a\n    kind: nope\nrouting:\n  max_attempts: -1\n");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split("\n")).toEqual([
      "test.yaml: 5 problems",
      "  servr: unknown key",
      "  routing.max_attempts: must be >= 1 (got -1)",
      "  backends[0].chunkz: unknown key",
      '  backends[1].kind: unknown backend kind "nope" (known: local-stub, openai-legacy)',
      '  backends[1].id: duplicate backend id "a" (also backends[0])',
    ]);
  });

  test("more than a handful of problems are all listed (the schema library stops at 8 by default)", () => {
    const keys = Array.from({ length: 12 }, (_, i) => `  typo_${i}: 1`).join("\n");
    expect(problems(`server:\n${keys}\n${minimal}`)).toHaveLength(12);
  });

  test("a missing file is a ConfigError naming the file", () => {
    expect(() => loadConfig({ path: "/nonexistent/lipstd.yaml", registry: fakeRegistry })).toThrow("/nonexistent/lipstd.yaml: 1 problem\n  (file): cannot read: file not found");
  });

  test("the top level must be a mapping", () => {
    expect(problems("- a\n- b\n")).toEqual(["(root): the configuration must be a YAML mapping (key: value)"]);
  });
});

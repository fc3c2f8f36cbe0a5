import { expect, test } from "bun:test";
import { parseConfig } from "../../src/config/load.ts";
import { startLipstd } from "../helpers/lipstd.ts";

test("Go-only http_client keys load, are reported as ignored, and a typo is still an error", async () => {
  const config = parseConfig(
    "backends: [{id: stub, kind: local-stub}]\nhttp_client:\n  dial_timeout: 5s\n  keep_alive: 30s\n  response_header_timeout: 10s\n",
    "go.yaml",
    {},
  );
  expect(config.http_client.response_header_timeout).toBe(10_000);
  const server = await startLipstd({ ...config, server: { ...config.server, address: "127.0.0.1:0" } });
  try {
    const warning = server.logs.find((line) => line.message.includes("http_client keys ignored"));
    expect(warning?.fields?.keys).toBe("dial_timeout,keep_alive");
  } finally {
    await server.stop();
  }
  expect(() => parseConfig("backends: [{id: stub, kind: local-stub}]\nhttp_client:\n  dial_timout: 5s\n", "typo.yaml", {})).toThrow(/http_client.dial_timout/);
});

/**
 * The frontend × backend conformance matrix: every client dialect (through its official SDK)
 * against every backend codec (through its provider's emulator), every scenario. Generated from
 * cells.ts; docs/conformance.md is the same cells run by print-table.ts.
 */
import { afterAll, beforeAll, describe, test } from "bun:test";
import { scenarios } from "./cells.ts";
import { matrixBackends, matrixDialects, startWorld, type World } from "./world.ts";

const backends = matrixBackends();
let world: World;

beforeAll(async () => {
  world = await startWorld(backends);
});

afterAll(async () => {
  await world.stop();
});

for (const dialect of matrixDialects) {
  describe(dialect, () => {
    for (const backend of backends) {
      describe(backend.kind, () => {
        for (const scenario of scenarios) {
          test(scenario.name, () => scenario.run({ driver: world.driver(dialect), backend }));
        }
      });
    }
  });
}

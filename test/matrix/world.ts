/**
 * The matrix's shared fixture: every backend adapter's emulator, one lipstd holding all their
 * entries (plus the failover fallback and a `failover-<kind>` alias per backend), and one SDK
 * driver per client dialect that lipstd registers.
 */
import { backendKinds, frontends } from "../../src/registry.ts";
import { testConfig } from "../helpers/config.ts";
import { startLipstd, type TestServer } from "../helpers/lipstd.ts";
import { type BackendAdapter, backendAdapters } from "./backend-adapters.ts";
import { fallbackEntry } from "./local-stub-adapter.ts";
import { type FrontendDriver, frontendDrivers } from "./frontend-drivers.ts";

const registeredDialects = new Set(frontends.map((frontend) => frontend.dialect));
const registeredKinds = new Set(backendKinds.map((kind) => kind.kind));

/** Row and column names, known before anything starts (tests are generated from them). */
export const matrixDialects: string[] = frontendDrivers("http://unused").map((driver) => driver.dialect).filter((dialect) => registeredDialects.has(dialect));

export interface World {
  server: TestServer;
  backends: BackendAdapter[];
  driver(dialect: string): FrontendDriver;
  backend(kind: string): BackendAdapter;
  stop(): Promise<void>;
}

export function matrixBackends(): BackendAdapter[] {
  return backendAdapters().filter((adapter) => registeredKinds.has(adapter.kind));
}

export async function startWorld(backends = matrixBackends()): Promise<World> {
  await Promise.all(backends.map((backend) => backend.start()));
  const entries = [...backends.flatMap((backend) => backend.entries()), fallbackEntry];
  const aliases = backends.map((backend) => ({ pattern: `^failover-${backend.kind}$`, replacement: `${backend.selector("fail")}|${fallbackEntry.id}:stub` }));
  const models = Object.assign({}, ...backends.map((backend) => backend.models()));
  const server = await startLipstd(testConfig(entries, { model_aliases: aliases, models }));
  const drivers = new Map(frontendDrivers(server.url).map((driver) => [driver.dialect, driver]));
  return {
    server,
    backends,
    driver: (dialect) => drivers.get(dialect)!,
    backend: (kind) => backends.find((backend) => backend.kind === kind)!,
    async stop() {
      await server.stop();
      await Promise.all(backends.map((backend) => backend.stop()));
    },
  };
}

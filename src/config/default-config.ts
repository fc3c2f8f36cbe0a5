/**
 * The configuration used when no `--config` is given: one deterministic local backend, so
 * `lipstd` answers requests out of the box without any provider key.
 */
export const defaultConfigSource = "(embedded default config)";

export const defaultConfigYaml = `# lipstd embedded default: a local stub backend, no provider keys needed.
server:
  address: 127.0.0.1:8080
backends:
  - id: stub
    kind: local-stub
`;

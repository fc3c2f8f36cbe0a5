import Type from "typebox";
import { Duration, Size } from "../units.ts";

/** `HOST:PORT`; IPv6 hosts in brackets (`[::1]:8080`). Port 0 asks the OS for a free port. */
export const addressPattern = "^(\\[[0-9A-Fa-f:.]+\\]|[^\\s:\\[\\]]+):(\\d{1,5})$";

/** Split and check an address; undefined when it is not `HOST:PORT` with a port ≤ 65535. */
export function parseAddress(address: string): { host: string; port: number } | undefined {
  const match = new RegExp(addressPattern).exec(address);
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port > 65535) return undefined;
  return { host: match[1]!.replace(/^\[(.*)\]$/, "$1"), port };
}

const count = (value: number, description: string) => Type.Integer({ minimum: 1, default: value, description });

export const LimitsSection = Type.Object(
  {
    max_messages: count(4096, "Most messages one request may carry."),
    max_parts_per_message: count(2048, "Most content parts in one message."),
    max_tools: count(2048, "Most tool declarations in one request."),
    max_text_bytes: Size({ default: 8 * 1024 * 1024, description: "Largest single text part." }),
    max_json_depth: count(64, "Deepest JSON nesting accepted in a request body."),
  },
  { additionalProperties: false, default: {}, description: "Validation limits applied to every decoded request." },
);

export const ServerSection = Type.Object(
  {
    address: Type.String({
      pattern: addressPattern,
      default: "127.0.0.1:8080",
      description: "Listen address HOST:PORT (`[::1]:8080` for IPv6; port 0 = any free port).",
      expected: "HOST:PORT, e.g. 127.0.0.1:8080",
    }),
    max_body_bytes: Size({ default: 8 * 1024 * 1024, description: "Largest request body accepted." }),
    stream_keepalive_interval: Duration({ default: "15s", description: "Idle time before a keepalive is written to a stream." }),
    limits: LimitsSection,
  },
  { additionalProperties: false, default: {}, description: "The HTTP listener." },
);

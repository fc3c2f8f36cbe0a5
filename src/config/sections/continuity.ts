import Type from "typebox";
import { Duration, Size } from "../units.ts";

const StoredResponses = Type.Object(
  {
    enabled: Type.Boolean({
      default: true,
      description: "Keep responses clients did not send with `store: false`, for `previous_response_id`, retrieval, deletion and input items (OpenAI Responses). Off: those answer 400/404 and nothing is kept.",
    }),
    max_entries: Type.Integer({ minimum: 1, default: 10_000, description: "Most responses kept; the least recently used are evicted first." }),
    max_bytes: Size({
      default: "256MiB",
      description: "Most bytes of kept responses (their conversations' text, data and arguments, roughly); the least recently used are evicted first.",
    }),
    ttl: Duration({ default: "30d", description: "Forget a response this long after it was stored (0 = never, only max_entries evicts)." }),
  },
  {
    additionalProperties: false,
    default: {},
    description: "Kept responses (each with its whole conversation), in the continuity store: memory, or the SQLite database with `store: sqlite`.",
  },
);

export const ContinuitySection = Type.Object(
  {
    store: Type.Enum(["memory", "sqlite"], { default: "memory", description: "Where A-leg/B-leg lineage and kept responses live: `memory` (lost on restart) or `sqlite` (survives restarts)." }),
    max_legs: Type.Integer({ minimum: 1, default: 100_000, description: "Most A-legs (conversations) kept; the least recently used are evicted first." }),
    ttl: Duration({ default: 0, description: "Forget A-legs idle this long (0 = never, only max_legs evicts)." }),
    sqlite_path: Type.Optional(Type.String({ minLength: 1, description: "SQLite database file for `store: sqlite` (created with its directory; WAL mode)." })),
    stored_responses: StoredResponses,
  },
  { additionalProperties: false, default: {}, description: "Conversation lineage: A-legs (client conversations) and B-legs (backend attempts), and kept responses." },
);

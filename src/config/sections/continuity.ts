import Type from "typebox";
import { Duration } from "../units.ts";

export const ContinuitySection = Type.Object(
  {
    store: Type.Enum(["memory", "sqlite"], { default: "memory", description: "Where A-leg/B-leg lineage lives: `memory` (lost on restart) or `sqlite` (survives restarts)." }),
    max_legs: Type.Integer({ minimum: 1, default: 100_000, description: "Most A-legs (conversations) kept; the least recently used are evicted first." }),
    ttl: Duration({ default: 0, description: "Forget A-legs idle this long (0 = never, only max_legs evicts)." }),
    sqlite_path: Type.Optional(Type.String({ minLength: 1, description: "SQLite database file for `store: sqlite` (created with its directory; WAL mode)." })),
  },
  { additionalProperties: false, default: {}, description: "Conversation lineage: A-legs (client conversations) and B-legs (backend attempts)." },
);

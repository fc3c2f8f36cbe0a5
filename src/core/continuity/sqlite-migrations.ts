import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Numbered schema steps; `PRAGMA user_version` holds the last one applied. Append only: a
 * released step never changes, so every database can be brought forward from any version.
 */
const migrations: readonly string[] = [
  `CREATE TABLE a_legs (
     id TEXT PRIMARY KEY,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     identity TEXT NOT NULL,
     turns INTEGER NOT NULL DEFAULT 0,
     attempts INTEGER NOT NULL DEFAULT 0,
     route_state TEXT NOT NULL DEFAULT '{}'
   );
   CREATE INDEX a_legs_updated_at ON a_legs (updated_at);
   CREATE TABLE attempts (
     b_leg_id TEXT PRIMARY KEY,
     a_leg_id TEXT NOT NULL,
     seq INTEGER NOT NULL,
     backend_id TEXT NOT NULL,
     effective_model TEXT NOT NULL,
     role TEXT NOT NULL,
     started_at INTEGER NOT NULL,
     first_output_at INTEGER,
     finished_at INTEGER,
     outcome TEXT,
     reason TEXT,
     failure_class TEXT
   );
   CREATE INDEX attempts_a_leg_seq ON attempts (a_leg_id, seq);`,
  // Kept responses (continuity.stored_responses): canonical conversation and output as JSON.
  `CREATE TABLE conversations (
     id TEXT PRIMARY KEY,
     dialect TEXT NOT NULL,
     owner TEXT,
     created_at INTEGER NOT NULL,
     last_use INTEGER NOT NULL,
     preamble INTEGER NOT NULL,
     size INTEGER NOT NULL,
     messages TEXT NOT NULL,
     output TEXT NOT NULL,
     rendered TEXT NOT NULL
   );
   CREATE INDEX conversations_last_use ON conversations (last_use);
   CREATE INDEX conversations_created_at ON conversations (created_at);`,
];

export const schemaVersion = migrations.length;

/** Opens (creating it and its directory) the continuity database in WAL mode, migrated to `schemaVersion`. */
export function openContinuityDatabase(path: string): Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { create: true, strict: true });
  db.run("PRAGMA journal_mode = WAL");
  db.run("PRAGMA synchronous = NORMAL");
  db.run("PRAGMA busy_timeout = 5000");
  try {
    migrate(db);
  } catch (thrown) {
    db.close();
    throw thrown;
  }
  return db;
}

export function migrate(db: Database): void {
  const current = db.query<{ user_version: number }, []>("PRAGMA user_version").get()?.user_version ?? 0;
  if (current > migrations.length) {
    throw new Error(`continuity.sqlite_path: database schema version ${current} is newer than this lipstd understands (${migrations.length})`);
  }
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.run(migrations[version]!);
      db.run(`PRAGMA user_version = ${version + 1}`);
    })();
  }
}

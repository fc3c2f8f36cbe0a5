import type { Database } from "bun:sqlite";

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
];

export const schemaVersion = migrations.length;

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

import type { Database, Statement } from "bun:sqlite";
import type { AttemptOutcome } from "../executor/types.ts";
import type { FailureClass } from "../routing/failure-class.ts";
import { openContinuityDatabase } from "./sqlite-migrations.ts";
import type { ALegIdentity, ALegRecord, AttemptRecord, ContinuityStore, StoreLimits } from "./types.ts";

interface LegRow {
  id: string;
  created_at: number;
  updated_at: number;
  identity: string;
  turns: number;
  attempts: number;
  route_state: string;
}

interface AttemptRow {
  b_leg_id: string;
  a_leg_id: string;
  seq: number;
  backend_id: string;
  effective_model: string;
  role: string;
  started_at: number;
  first_output_at: number | null;
  finished_at: number | null;
  outcome: string | null;
  reason: string | null;
  failure_class: string | null;
}

/** Writes between pruning passes (TTL and `max_legs`). */
const pruneEvery = 500;

/**
 * Lineage in SQLite (`continuity.store: sqlite`). WAL mode: readers never block the writer and
 * a committed write survives `kill -9`. Schema changes are numbered migrations.
 */
export class SqliteContinuityStore implements ContinuityStore {
  readonly kind = "sqlite";
  private readonly db: Database;
  private readonly getLeg: Statement<LegRow, [string]>;
  private readonly upsertLeg: Statement<unknown, [string, number, number, string, number, number, string]>;
  private readonly upsertAttempt: Statement<unknown, [string, string, number, string, string, string, number, number | null, number | null, string | null, string | null, string | null]>;
  private readonly selectAttempts: Statement<AttemptRow, [string, number]>;
  private writes = 0;
  /** A database opened here from a path is closed here; a shared one is its opener's to close. */
  private readonly ownsDatabase: boolean;

  constructor(
    database: string | Database,
    private readonly limits: StoreLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.ownsDatabase = typeof database === "string";
    this.db = typeof database === "string" ? openContinuityDatabase(database) : database;
    this.getLeg = this.db.query("SELECT * FROM a_legs WHERE id = ?");
    this.upsertLeg = this.db.query(
      `INSERT INTO a_legs (id, created_at, updated_at, identity, turns, attempts, route_state) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at, turns = excluded.turns, attempts = excluded.attempts, route_state = excluded.route_state`,
    );
    this.upsertAttempt = this.db.query(
      `INSERT INTO attempts (b_leg_id, a_leg_id, seq, backend_id, effective_model, role, started_at, first_output_at, finished_at, outcome, reason, failure_class)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(b_leg_id) DO UPDATE SET first_output_at = excluded.first_output_at, finished_at = excluded.finished_at,
         outcome = excluded.outcome, reason = excluded.reason, failure_class = excluded.failure_class`,
    );
    this.selectAttempts = this.db.query("SELECT * FROM (SELECT * FROM attempts WHERE a_leg_id = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq");
    this.prune();
  }

  private prune(): void {
    const { ttlMs, maxLegs } = this.limits;
    this.db.transaction(() => {
      if (ttlMs !== undefined) this.db.run("DELETE FROM a_legs WHERE updated_at < ?", [this.now() - ttlMs]);
      this.db.run("DELETE FROM a_legs WHERE id IN (SELECT id FROM a_legs ORDER BY updated_at DESC LIMIT -1 OFFSET ?)", [maxLegs]);
      this.db.run("DELETE FROM attempts WHERE a_leg_id NOT IN (SELECT id FROM a_legs)");
    })();
  }

  private wrote(): void {
    if (++this.writes % pruneEvery === 0) this.prune();
  }

  getALeg(id: string): ALegRecord | undefined {
    const row = this.getLeg.get(id);
    if (!row) return undefined;
    if (this.limits.ttlMs !== undefined && this.now() - row.updated_at > this.limits.ttlMs) return undefined;
    return {
      id: row.id,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      identity: row.identity as ALegIdentity,
      turns: row.turns,
      attempts: row.attempts,
      routeState: JSON.parse(row.route_state) as Record<string, number>,
    };
  }

  putALeg(record: ALegRecord): void {
    this.upsertLeg.run(record.id, record.createdAt, record.updatedAt, record.identity, record.turns, record.attempts, JSON.stringify(record.routeState));
    this.wrote();
  }

  putAttempt(record: AttemptRecord): void {
    this.upsertAttempt.run(
      record.bLegId,
      record.aLegId,
      record.seq,
      record.backendId,
      record.model,
      record.role,
      record.startedAt,
      record.firstOutputAt ?? null,
      record.finishedAt ?? null,
      record.outcome ?? null,
      record.reason ?? null,
      record.failureClass ?? null,
    );
    this.wrote();
  }

  listAttempts(aLegId: string, limit: number): AttemptRecord[] {
    return this.selectAttempts.all(aLegId, limit).map((row) => ({
      bLegId: row.b_leg_id,
      aLegId: row.a_leg_id,
      seq: row.seq,
      backendId: row.backend_id,
      model: row.effective_model,
      role: row.role,
      startedAt: row.started_at,
      ...(row.first_output_at !== null && { firstOutputAt: row.first_output_at }),
      ...(row.finished_at !== null && { finishedAt: row.finished_at }),
      ...(row.outcome !== null && { outcome: row.outcome as AttemptOutcome }),
      ...(row.reason !== null && { reason: row.reason }),
      ...(row.failure_class !== null && { failureClass: row.failure_class as FailureClass }),
    }));
  }

  close(): void {
    if (this.ownsDatabase) this.db.close();
  }
}

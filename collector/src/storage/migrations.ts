// Forward-only schema migrations (STYLE.md "Schema"): numbered SQL files in
// schema/migrations/ (or schema/cluster/ for a ClickHouse cluster), applied in
// order at start-up, each recorded in `schema_migrations` with a checksum of
// its text. Every statement is idempotent (IF NOT EXISTS), so a migration cut
// short by a crash is simply applied again; a file already applied is never
// run again, and one whose text changed since is refused: fix forward with a
// new file instead.

import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Store } from './connection.ts'

export const SCHEMA_DIR = fileURLToPath(new URL('../../../schema/', import.meta.url))

export interface Migration {
  readonly version: number
  readonly name: string
  readonly statements: readonly string[]
  readonly checksum: string
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MigrationError'
  }
}

/** Splits a file into statements: each ends with `;` at the end of a line; `--` comments are dropped. */
export function splitStatements(sql: string): string[] {
  const withoutComments = sql
    .split('\n')
    .filter((line) => !/^\s*--/.test(line))
    .join('\n')
  return withoutComments
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter(Boolean)
}

/** Reads the numbered migrations of a directory (NNN-name.sql), in order; gaps and duplicates are errors. */
export function readMigrations(dir: string, cluster?: string): Migration[] {
  const out: Migration[] = []
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue
    const m = /^(\d{3})-([a-z0-9-]+)\.sql$/.exec(file)
    if (!m) throw new MigrationError(`${join(dir, file)}: migrations are named NNN-name.sql`)
    const text = readFileSync(join(dir, file), 'utf8')
    const version = Number(m[1])
    if (version !== out.length + 1) {
      throw new MigrationError(`${join(dir, file)}: expected migration ${out.length + 1}, found ${version}`)
    }
    // The cluster files name their cluster as '{cluster}'; the checksum is of the file as written.
    const sql = cluster ? text.replaceAll("'{cluster}'", `'${cluster.replaceAll("'", "''")}'`) : text
    out.push({
      version,
      name: m[2]!,
      statements: splitStatements(sql),
      checksum: createHash('sha256').update(text).digest('hex').slice(0, 16),
    })
  }
  return out
}

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations
(
    version UInt32,
    name String,
    checksum String,
    applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY version`

const MIGRATIONS_TABLE_CLUSTER = `CREATE TABLE IF NOT EXISTS schema_migrations ON CLUSTER '{cluster}'
(
    version UInt32,
    name String,
    checksum String,
    applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{database}/schema_migrations', '{replica}')
ORDER BY version`

export interface MigrateResult {
  /** Versions applied by this run, in order. */
  readonly applied: readonly number[]
  /** The schema version now (the highest applied). */
  readonly version: number
}

/** Applies every migration not yet recorded; returns what it applied. */
export async function migrate(
  store: Store,
  options: { readonly dir?: string; readonly cluster?: string } = {},
): Promise<MigrateResult> {
  const cluster = options.cluster
  const dir = options.dir ?? join(SCHEMA_DIR, cluster ? 'cluster' : 'migrations')
  const migrations = readMigrations(dir, cluster)
  await store.command(
    cluster
      ? MIGRATIONS_TABLE_CLUSTER.replace("'{cluster}'", `'${cluster.replaceAll("'", "''")}'`)
      : MIGRATIONS_TABLE,
  )
  const done = await store.query<{ version: number; name: string; checksum: string }>(
    'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
  )
  const recorded = new Map(done.map((r) => [Number(r.version), r]))
  const applied: number[] = []
  for (const m of migrations) {
    const r = recorded.get(m.version)
    if (r) {
      if (r.checksum !== m.checksum) {
        throw new MigrationError(
          `migration ${m.version} (${m.name}) was applied with checksum ${r.checksum} but the file now has ${m.checksum}: migrations are forward-only, add a new one instead of editing an applied one`,
        )
      }
      continue
    }
    for (const statement of m.statements) await store.command(statement)
    await store.command(
      `INSERT INTO schema_migrations (version, name, checksum) VALUES (${m.version}, '${m.name}', '${m.checksum}')`,
    )
    applied.push(m.version)
  }
  const version = Math.max(
    0,
    ...migrations.map((m) => m.version).filter((v) => recorded.has(v) || applied.includes(v)),
  )
  return { applied, version }
}

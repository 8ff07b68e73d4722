// Schema migrations on the embedded engine: from empty every migration is
// applied and recorded, a second run applies nothing, the tables have exactly
// the columns the code declares (columns.ts), an edited migration is refused,
// and the cluster variant parses and declares the same columns.

import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TABLES } from '../../collector/src/storage/columns.ts'
import { openStore, type Store } from '../../collector/src/storage/connection.ts'
import {
  MigrationError,
  migrate,
  readMigrations,
  SCHEMA_DIR,
} from '../../collector/src/storage/migrations.ts'
import { cleanDirs, tempDir } from './support.ts'

let store: Store
let dir: string

beforeAll(async () => {
  dir = tempDir()
  // One embedded engine per process (this test file's): all tests share it.
  store = await openStore({ database: 'routelake', path: join(dir, 'clickhouse') })
})

afterAll(async () => {
  await store.close()
  cleanDirs()
})

async function columnsOf(database: string, table: string): Promise<[string, string][]> {
  const rows = await store.query<{ name: string; type: string }>(
    'SELECT name, type FROM system.columns WHERE database = {db:String} AND table = {t:String} ORDER BY position',
    { db: database, t: table },
  )
  return rows.map((r) => [r.name, r.type])
}

describe('migrations', () => {
  it('applies every migration to an empty database, records it, and applies nothing the second time', async () => {
    const files = readMigrations(join(SCHEMA_DIR, 'migrations'))
    expect(files.map((m) => `${m.version}-${m.name}`)).toEqual([
      '1-messages',
      '2-updates',
      '3-peer-events',
      '4-minute-counts',
    ])
    expect(await migrate(store)).toEqual({ applied: [1, 2, 3, 4], version: 4 })
    const recorded = await store.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    )
    expect(recorded).toEqual(files.map((m) => ({ version: m.version, name: m.name, checksum: m.checksum })))
    expect(await migrate(store)).toEqual({ applied: [], version: 4 })
    expect(await store.query('SELECT count() AS n FROM schema_migrations')).toEqual([{ n: '4' }])
  })

  it('creates exactly the columns the writer declares, in order', async () => {
    await migrate(store)
    for (const [table, columns] of Object.entries(TABLES)) {
      expect({ table, columns: await columnsOf('routelake', table) }).toEqual({
        table,
        columns: columns.map(([n, t]) => [n, t]),
      })
    }
    const tables = await store.query<{ name: string; engine: string }>(
      "SELECT name, engine FROM system.tables WHERE database = 'routelake' ORDER BY name",
    )
    expect(tables).toEqual([
      { name: 'message_counts_1m', engine: 'SummingMergeTree' },
      { name: 'message_counts_1m_mv', engine: 'MaterializedView' },
      { name: 'messages', engine: 'MergeTree' },
      { name: 'peer_events', engine: 'MergeTree' },
      { name: 'schema_migrations', engine: 'MergeTree' },
      { name: 'update_counts_1m', engine: 'SummingMergeTree' },
      { name: 'update_counts_1m_mv', engine: 'MaterializedView' },
      { name: 'updates', engine: 'MergeTree' },
    ])
  })

  it('refuses to go on when an applied migration was edited, and applies a new one', async () => {
    await migrate(store)
    const copy = join(tempDir(), 'migrations')
    cpSync(join(SCHEMA_DIR, 'migrations'), copy, { recursive: true })
    writeFileSync(
      join(copy, '005-extra.sql'),
      '-- a new migration\nCREATE TABLE IF NOT EXISTS extra (a UInt8) ENGINE = MergeTree ORDER BY a;\n',
    )
    expect(await migrate(store, { dir: copy })).toEqual({ applied: [5], version: 5 })
    expect(await migrate(store, { dir: copy })).toEqual({ applied: [], version: 5 })
    const edited = join(copy, '002-updates.sql')
    writeFileSync(edited, `${readFileSync(edited, 'utf8')}\n-- edited\n`)
    await expect(migrate(store, { dir: copy })).rejects.toThrow(MigrationError)
    await expect(migrate(store, { dir: copy })).rejects.toThrow(
      /migration 2 \(updates\) was applied with checksum/,
    )
  })

  it('has a cluster variant that parses and declares the same tables and columns', async () => {
    const single = readMigrations(join(SCHEMA_DIR, 'migrations'))
    const cluster = readMigrations(join(SCHEMA_DIR, 'cluster'), 'routelake_cluster')
    expect(cluster.map((m) => `${m.version}-${m.name}`)).toEqual(single.map((m) => `${m.version}-${m.name}`))
    await store.command('CREATE DATABASE IF NOT EXISTS cluster_check')
    for (const m of cluster) {
      for (const statement of m.statements) {
        // Every statement is valid ClickHouse SQL as written…
        const formatted = await store.query<{ f: string }>('SELECT formatQuery({s:String}) AS f', {
          s: statement,
        })
        expect(formatted[0]!.f).toContain(
          statement.startsWith('CREATE MATERIALIZED') ? 'ON CLUSTER' : 'CREATE',
        )
        // …and, without the cluster (no ZooKeeper, no remote shards here), creates the same columns.
        const local = statement
          .replaceAll(" ON CLUSTER 'routelake_cluster'", '')
          .replace(/Replicated(\w*)MergeTree\('[^']*', '\{replica\}'\)/, '$1MergeTree')
          .replace(/ENGINE = Distributed\([^;]*\)$/, 'ENGINE = Memory')
          .replace(
            /^CREATE (TABLE|MATERIALIZED VIEW) IF NOT EXISTS /,
            'CREATE $1 IF NOT EXISTS cluster_check.',
          )
          .replace(/ TO (\w+)_local AS/, ' TO cluster_check.$1_local AS')
          .replace(/ AS (\w+_local)\n/, ' AS cluster_check.$1\n')
          .replace(/FROM (\w+_local)\n/, 'FROM cluster_check.$1\n')
        await store.command(local)
      }
    }
    for (const [table, columns] of Object.entries(TABLES)) {
      const expected = columns.map(([n, t]) => [n, t])
      expect({ table, columns: await columnsOf('cluster_check', table) }).toEqual({
        table,
        columns: expected,
      })
      expect({ table, columns: await columnsOf('cluster_check', `${table}_local`) }).toEqual({
        table,
        columns: expected,
      })
    }
  })
})

// The connection to ClickHouse (DESIGN.md "Storage"): one client API,
// @clickhouse/client, over one of two connections. By default the embedded
// engine from the chdb package (real ClickHouse in this process, data on disk
// under <data-dir>/clickhouse), so a fresh clone needs no server; with a URL,
// HTTP to a ClickHouse server or cluster. The SQL is the same either way.
//
// Two differences of the embedded connection are handled here, once:
// - it applies `clickhouse_settings` as `SET` statements, which stay set for
//   the rest of the session: a deduplication token passed that way would
//   silently deduplicate every later insert that carries none. Inserts
//   therefore use the engine's raw insert, whose settings are a SETTINGS
//   clause of that one statement (and which takes the payload as bytes,
//   without a copy); queries never pass settings.
// - it has no `database` parameter: the database is selected with USE, which
//   the embedded session keeps; so does the one setting we change for every
//   query (64-bit integers quoted in JSON, as servers do by default).
//
// The embedded engine is one per process and per data path, and it crashes
// the process when a worker_thread that loaded it exits: only the writer
// child process (writer-child.ts) opens it.

import { mkdirSync, rmSync } from 'node:fs'
import { rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import {
  type ClickHouseClient,
  ClickHouseLogLevel,
  type ClickHouseSettings,
  createClient,
} from '@clickhouse/client'

export interface ClickHouseTarget {
  /** HTTP(S) URL of a ClickHouse server; undefined: the embedded engine. */
  readonly url?: string
  readonly user?: string
  readonly password?: string
  /** The database holding Routelake's tables (created when missing). */
  readonly database: string
  /** Embedded engine: where its data lives (a directory; created when missing). */
  readonly path: string
  /** Cluster name: migrations from schema/cluster/ with ON CLUSTER (servers only). */
  readonly cluster?: string
}

export interface Store {
  readonly kind: 'embedded' | 'http'
  readonly database: string
  readonly client: ClickHouseClient
  /**
   * Inserts a block in ClickHouse's Native format (native.ts) into `table`'s
   * `columns`, with `settings` for this insert only.
   */
  insertNative(
    table: string,
    columns: readonly string[],
    data: Uint8Array,
    settings: Readonly<Record<string, string | number>>,
  ): Promise<void>
  /** Rows of a SELECT as objects (JSONEachRow; 64-bit integers as strings). */
  query<T = Record<string, unknown>>(sql: string, params?: Readonly<Record<string, unknown>>): Promise<T[]>
  /** A statement with no result (DDL, OPTIMIZE, …). */
  command(sql: string): Promise<void>
  close(): Promise<void>
}

function identifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`'${name}' is not a plain identifier`)
  return name
}

function common(kind: Store['kind'], database: string, client: ClickHouseClient) {
  return {
    kind,
    database,
    client,
    async query<T>(sql: string, params?: Readonly<Record<string, unknown>>): Promise<T[]> {
      const rs = await client.query({
        query: sql,
        format: 'JSONEachRow',
        ...(params ? { query_params: params as Record<string, unknown> } : {}),
      })
      return rs.json<T>()
    },
    async command(sql: string): Promise<void> {
      await client.command({ query: sql })
    },
    close: () => client.close(),
  }
}

async function openEmbedded(target: ClickHouseTarget): Promise<Store> {
  const path = resolve(target.path)
  mkdirSync(path, { recursive: true })
  // Loaded on demand: the native engine must only ever be loaded by the writer child.
  const { createChdbConnection } = await import('chdb/connection')
  const connection = createChdbConnection({ path })
  // chdb types its connection against @clickhouse/client-common, which the client
  // bundles its own copy of: the same interface under two declarations.
  type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>
  const client = createClient({
    connection: connection as unknown as ClientConnection,
    log: { level: ClickHouseLogLevel.OFF },
  })
  const db = identifier(target.database)
  try {
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` })
    await client.command({ query: `USE ${db}` })
    // As a server's HTTP interface does by default: 64-bit integers as JSON strings, exact.
    await client.command({ query: 'SET output_format_json_quote_64bit_integers = 1' })
  } catch (e) {
    await client.close()
    throw e
  }
  // The embedded engine reads an insert's data from a file (it takes no binary
  // payload but text formats); the file lives only for that insert.
  const scratch = `${path}.inserts`
  rmSync(scratch, { recursive: true, force: true })
  mkdirSync(scratch, { recursive: true })
  let n = 0
  return {
    ...common('embedded', db, client),
    async insertNative(table, columns, data, settings) {
      const file = join(scratch, `${process.pid}-${++n}.native`)
      await writeFile(file, data)
      try {
        await client.command({
          query: `INSERT INTO ${db}.${identifier(table)} (${columns.map(identifier).join(', ')}) FROM INFILE ${literal(file)} ${settingsClause(settings)} FORMAT Native`,
        })
      } finally {
        await rm(file, { force: true })
      }
    },
  }
}

/** A ClickHouse string literal. */
function literal(s: string): string {
  return `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
}

/** SETTINGS for one statement (never SET, which the embedded session would keep). */
function settingsClause(settings: Readonly<Record<string, string | number>>): string {
  const parts = Object.entries(settings).map(
    ([k, v]) => `${identifier(k)} = ${typeof v === 'number' ? String(v) : literal(v)}`,
  )
  return parts.length ? `SETTINGS ${parts.join(', ')}` : ''
}

async function openHttp(target: ClickHouseTarget): Promise<Store> {
  const db = identifier(target.database)
  const base = {
    url: target.url!,
    ...(target.user !== undefined ? { username: target.user } : {}),
    ...(target.password !== undefined ? { password: target.password } : {}),
    // The writer retries, spools and logs failures on its own.
    request_timeout: 300_000,
    log: { level: ClickHouseLogLevel.OFF },
  }
  // The database may not exist yet, and a request naming a missing database fails:
  // create it through the server's default database first.
  const bootstrap = createClient(base)
  try {
    const found = await (
      await bootstrap.query({
        query: 'SELECT count() AS n FROM system.databases WHERE name = {db:String}',
        query_params: { db },
        format: 'JSONEachRow',
      })
    ).json<{ n: string }>()
    if (Number(found[0]?.n) === 0) {
      const onCluster = target.cluster ? ` ON CLUSTER '${target.cluster.replaceAll("'", "''")}'` : ''
      await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}${onCluster}` })
    }
  } finally {
    await bootstrap.close()
  }
  const client = createClient({ ...base, database: db })
  return {
    ...common('http', db, client),
    async insertNative(table, columns, data, settings) {
      const r = await client.exec({
        query: `INSERT INTO ${identifier(table)} (${columns.map(identifier).join(', ')}) FORMAT Native`,
        values: Readable.from([Buffer.from(data.buffer, data.byteOffset, data.byteLength)], {
          objectMode: false,
        }),
        clickhouse_settings: settings as ClickHouseSettings,
      })
      // The response is empty; read it so the connection goes back to the pool.
      for await (const _ of r.stream) {
        // Nothing to read.
      }
    },
  }
}

/** Opens the store: the embedded engine at `path`, or the server at `url`. */
export function openStore(target: ClickHouseTarget): Promise<Store> {
  return target.url ? openHttp(target) : openEmbedded(target)
}

/** Where the embedded engine keeps its data under a data directory. */
export function embeddedPath(dataDir: string): string {
  return resolve(dataDir, 'clickhouse')
}

/** A target for printing: never the password. */
export function describeTarget(t: ClickHouseTarget): string {
  if (!t.url) return `embedded ClickHouse at ${t.path} (database ${t.database})`
  let shown = t.url
  try {
    const u = new URL(t.url)
    u.password = ''
    u.username = ''
    shown = u.toString()
  } catch {
    // Not a URL we can parse: the client will say so.
  }
  return `ClickHouse at ${shown} (database ${t.database}${t.user ? `, user ${t.user}` : ''})`
}

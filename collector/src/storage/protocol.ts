// What the collector and its storage writer child say to each other over the
// IPC channel (node:child_process fork, `advanced` serialization, so batches
// travel as octets, not JSON).

import type { LogFields } from '../log/logger.ts'
import type { WrittenTable } from './columns.ts'
import type { ClickHouseTarget } from './connection.ts'

export interface WriterOptions {
  readonly target: ClickHouseTarget
  readonly spoolDir: string
  /** Largest the spool may grow (octets); beyond it batches stay in memory, then the collector waits. */
  readonly spoolMaxBytes?: number
  /** Octets of batches held in memory before the oldest are spooled (default 128 MiB). */
  readonly memoryBytes?: number
  /** Delay before the first retry after a failure, doubling up to retryMaxMs (defaults 500, 30000). */
  readonly retryMinMs?: number
  readonly retryMaxMs?: number
}

/** What became of a batch handed to the writer (the collector keeps it until then). */
export type BatchOutcome =
  /** In ClickHouse. */
  | 'inserted'
  /** On disk in the spool: it will be inserted, whatever crashes. */
  | 'spooled'
  /** ClickHouse refused it as malformed: kept in the spool's rejected/ folder, not stored. */
  | 'rejected'
  /** Could not be kept (the collector could not hand it over): lost, and counted. */
  | 'dropped'

export type ToChild =
  | { readonly type: 'init'; readonly options: WriterOptions }
  | { readonly type: 'batch'; readonly id: string; readonly data: Uint8Array }
  | {
      readonly type: 'query'
      readonly req: number
      readonly sql: string
      readonly params?: Readonly<Record<string, unknown>>
      /** A statement without result rows. */
      readonly command?: boolean
      /** Answer with the result as octets in this ClickHouse output format (JSON, CSVWithNames, RowBinary…). */
      readonly format?: string
    }
  | { readonly type: 'stats' }
  /** Go on inserting from the spool for at most drainMs while ClickHouse takes it, then exit. */
  | { readonly type: 'stop'; readonly drainMs: number }

export interface WriterChildStats {
  /** A connection to ClickHouse is open and the schema is migrated. */
  readonly connected: boolean
  /** The last insert succeeded (or none failed yet). */
  readonly healthy: boolean
  readonly schemaVersion: number
  readonly insertedBatches: number
  readonly insertedRows: Readonly<Record<WrittenTable, number>>
  /** Seconds spent in inserts (wall clock). */
  readonly insertSeconds: number
  /** Batches received and not yet inserted, in memory or spooled. */
  readonly queuedBatches: number
  /** Octets of those held in memory only. */
  readonly memoryBytes: number
  /** Batches on disk in the spool. */
  readonly spooledBatches: number
  readonly spooledBytes: number
  /** Batches inserted from the spool (spooled by this run or an earlier one). */
  readonly replayedBatches: number
  /** Batches ClickHouse refused as malformed (or unreadable), set aside in the spool's rejected/. */
  readonly rejectedBatches: number
  readonly rejectedEvents: number
  readonly failedInserts: number
  readonly lastError?: string
}

export type FromChild =
  | { readonly type: 'ready'; readonly stats: WriterChildStats }
  | {
      readonly type: 'ack'
      readonly id: string
      readonly outcome: BatchOutcome
      readonly reason?: string
      /** The figures as of this acknowledgement: never older than the batch they count. */
      readonly stats: WriterChildStats
    }
  | {
      readonly type: 'result'
      readonly req: number
      readonly rows?: unknown[]
      /** The result in the requested output format (a query with `format`). */
      readonly data?: Uint8Array
      readonly error?: string
    }
  | { readonly type: 'stats'; readonly stats: WriterChildStats }
  | {
      readonly type: 'log'
      readonly level: 'debug' | 'info' | 'warn' | 'error'
      readonly message: string
      readonly fields?: LogFields
    }
  | { readonly type: 'stopped'; readonly stats: WriterChildStats }

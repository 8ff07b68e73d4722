// Storage as the collector sees it: the writer child (which owns ClickHouse),
// the sink that feeds it from the bus, and the history queries the API asks
// through it. main.ts builds one with createStorage and starts it before the
// sessions, so the schema is migrated before the first event.

import type { StorageConfig } from '../../config/config.ts'
import type { EventBus } from '../../events/index.ts'
import type { Logger } from '../../log/logger.ts'
import { describeTarget } from '../../storage/connection.ts'
import type { Queryable } from '../../storage/queries.ts'
import { StorageWriter, type StorageWriterOptions } from '../../storage/writer.ts'
import { ClickHouseSink, type ClickHouseSinkOptions, type ClickHouseSinkStats } from './sink.ts'

export { ClickHouseSink, type ClickHouseSinkOptions, type ClickHouseSinkStats } from './sink.ts'

export interface Storage extends Queryable {
  readonly writer: StorageWriter
  readonly sink: ClickHouseSink
  /** Starts the writer (migrating the schema when ClickHouse is reachable). */
  start(): Promise<void>
  /** Hands every event published so far to the writer, then stops it; resolves with its exit code. */
  stop(): Promise<number | null>
  stats(): ClickHouseSinkStats
}

export interface StorageDeps {
  readonly bus: EventBus
  readonly logger: Logger
  /** Overrides for tests and benchmarks. */
  readonly writer?: Partial<StorageWriterOptions>
  readonly sink?: Partial<ClickHouseSinkOptions>
}

export function writerOptions(config: StorageConfig): StorageWriterOptions {
  return {
    target: {
      ...(config.clickhouseUrl !== undefined ? { url: config.clickhouseUrl } : {}),
      ...(config.clickhouseUser !== undefined ? { user: config.clickhouseUser } : {}),
      ...(config.clickhousePassword !== undefined ? { password: config.clickhousePassword } : {}),
      database: config.clickhouseDatabase,
      path: config.embeddedPath,
      ...(config.clickhouseCluster !== undefined ? { cluster: config.clickhouseCluster } : {}),
    },
    spoolDir: config.spoolDir,
  }
}

export function createStorage(config: StorageConfig, deps: StorageDeps): Storage {
  const logger = deps.logger
  const options = { ...writerOptions(config), ...deps.writer }
  const writer = new StorageWriter(options, logger)
  const sink = new ClickHouseSink(
    deps.bus,
    writer,
    { batchEvents: config.batchEvents, batchAgeMs: config.batchAgeMs, ...deps.sink },
    logger,
  )
  let stopping: Promise<number | null> | undefined
  return {
    writer,
    sink,
    async start() {
      logger.info('storage', { target: describeTarget(options.target), spool: options.spoolDir })
      await writer.start()
      const s = writer.stats().child
      if (s && !s.connected)
        logger.warn('ClickHouse unavailable at start: spooling until it is back', { reason: s.lastError })
    },
    stop() {
      // Once: the composition root stops storage, and so may whoever stopped it first.
      stopping ??= (async () => {
        await sink.close()
        const code = await writer.stop()
        const s = sink.stats()
        logger.info('storage stopped', {
          events: s.handedOver.events,
          dropped: s.dropped,
          spooled: s.writer.child?.spooledBatches ?? 0,
          exitCode: code,
        })
        return code
      })()
      return stopping
    },
    stats: () => sink.stats(),
    // A closure, not a method using `this`: callers pass storage.query around on its own.
    query<T>(sql: string, params?: Readonly<Record<string, unknown>>) {
      return writer.query<T>(sql, params)
    },
  }
}

// Shared helpers of the storage tests: temporary data directories, a writer
// on the embedded engine, waiting for conditions, and reading tables back.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { memoryLogger } from '../../collector/src/log/logger.ts'
import type { StorageWriterOptions } from '../../collector/src/storage/writer.ts'
import { StorageWriter } from '../../collector/src/storage/writer.ts'

const dirs: string[] = []

/** A fresh temporary directory, removed by cleanDirs(). */
export function tempDir(name = 'routelake-storage-'): string {
  const d = mkdtempSync(join(tmpdir(), name))
  dirs.push(d)
  return d
}

export function cleanDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
}

export function embeddedOptions(dir: string, over: Partial<StorageWriterOptions> = {}): StorageWriterOptions {
  return {
    target: { database: 'routelake', path: join(dir, 'clickhouse') },
    spoolDir: join(dir, 'spool'),
    retryMinMs: 100,
    retryMaxMs: 500,
    ...over,
  }
}

export function writerFor(options: StorageWriterOptions) {
  const logger = memoryLogger()
  return { writer: new StorageWriter(options, logger), logs: logger.lines }
}

/** Polls until cond() holds, or throws after timeoutMs naming what was awaited. */
export async function until(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await cond()) return
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** One number from a query (count() and the like). */
export async function scalar(
  q: { query<T>(sql: string, params?: Readonly<Record<string, unknown>>): Promise<T[]> },
  sql: string,
): Promise<number> {
  const rows = await q.query<Record<string, string | number>>(sql)
  return Number(Object.values(rows[0]!)[0])
}

/** Waits until the writer holds nothing: every batch acknowledged and inserted (none in memory or spooled). */
export async function settled(writer: StorageWriter, timeoutMs = 60_000): Promise<void> {
  await until(
    'the writer to settle',
    async () => {
      if (writer.stats().inflightBatches > 0) return false
      writer.refreshStats()
      await new Promise((r) => setTimeout(r, 250))
      const c = writer.stats().child
      return writer.stats().inflightBatches === 0 && c !== undefined && c.queuedBatches === 0
    },
    timeoutMs,
  )
}

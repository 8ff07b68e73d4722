// The on-disk spool: batches that are safe on disk but not yet in ClickHouse.
// One file per batch, named by its position and its id:
//
//   <dir>/500000000042-3f9c2a1b-17.rlb
//   <dir>/rejected/…               refused by ClickHouse as malformed
//
// The writer spools a batch when ClickHouse fails, when it stops, or when it
// holds more batches in memory than it should (it is behind). A batch is
// written to a temporary name and renamed once complete, asynchronously: the
// writer's event loop never waits for the disk (under heavy ClickHouse
// merges, writing 2 MiB took seconds on the development machine). From the
// rename on, the batch survives any crash of the collector or the writer;
// files are flushed to disk (fsync, with the directory) within a second, so
// an operating system crash or a power cut loses at most that last second.
// Positions order the inserts after a restart. Files are removed only once
// their batch is in ClickHouse; inserting one twice is harmless, since the
// batch id is the insert's deduplication token.

import { mkdirSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs'
import { open, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface SpoolEntry {
  readonly position: number
  readonly id: string
  readonly size: number
  readonly path: string
}

export class SpoolFullError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SpoolFullError'
  }
}

const FIRST_POSITION = 500_000_000_000
const NAME = /^(\d{12})-([A-Za-z0-9_-]+)\.rlb$/

async function fsyncPath(path: string): Promise<void> {
  let f: Awaited<ReturnType<typeof open>> | undefined
  try {
    f = await open(path, 'r')
    await f.sync()
  } catch {
    // Gone already (inserted and removed), or a file system that cannot fsync a directory.
  } finally {
    await f?.close()
  }
}

export class Spool {
  readonly dir: string
  readonly maxBytes: number
  private readonly entries: SpoolEntry[] = []
  private total = 0
  private next: number
  /** Files written since the last flush. */
  private unsynced: string[] = []
  /** Batches rejected by ClickHouse, moved to rejected/. */
  rejected = 0

  /** Opens (creating) the spool directory and lists what an earlier run left in it. */
  constructor(dir: string, maxBytes = 8 * 1024 ** 3) {
    this.dir = dir
    this.maxBytes = maxBytes
    mkdirSync(dir, { recursive: true })
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (name.endsWith('.tmp')) {
        // Never completed, so never acknowledged as spooled.
        unlinkSync(path)
        continue
      }
      const m = NAME.exec(name)
      if (!m) continue
      const size = statSync(path).size
      this.entries.push({ position: Number(m[1]), id: m[2]!, size, path })
      this.total += size
    }
    this.entries.sort((a, b) => a.position - b.position)
    this.next = (this.entries[this.entries.length - 1]?.position ?? FIRST_POSITION - 1) + 1
  }

  /** Batches waiting. */
  get count(): number {
    return this.entries.length
  }

  /** Octets waiting. */
  get bytes(): number {
    return this.total
  }

  /** What an earlier run left, oldest first. */
  waiting(): readonly SpoolEntry[] {
    return [...this.entries]
  }

  /**
   * Writes a batch after everything spooled so far (call in order: positions
   * are taken at the call). Resolves once it survives a crash of this process.
   */
  async append(id: string, data: Uint8Array): Promise<SpoolEntry> {
    if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error(`batch id '${id}' cannot name a file`)
    if (this.total + data.length > this.maxBytes) {
      throw new SpoolFullError(`spool ${this.dir} holds ${this.total} octets, its limit is ${this.maxBytes}`)
    }
    const position = this.next++
    const path = join(this.dir, `${String(position).padStart(12, '0')}-${id}.rlb`)
    this.total += data.length
    try {
      await writeFile(`${path}.tmp`, data)
      await rename(`${path}.tmp`, path)
    } catch (e) {
      this.total -= data.length
      await rm(`${path}.tmp`, { force: true })
      throw e
    }
    const entry = { position, id, size: data.length, path }
    this.entries.push(entry)
    this.entries.sort((a, b) => a.position - b.position)
    this.unsynced.push(path)
    return entry
  }

  /** Flushes the files written since the last call, and the directory, to disk. */
  async flush(): Promise<void> {
    if (this.unsynced.length === 0) return
    const paths = this.unsynced
    this.unsynced = []
    for (const p of paths) await fsyncPath(p)
    await fsyncPath(this.dir)
  }

  read(entry: SpoolEntry): Promise<Uint8Array> {
    return readFile(entry.path)
  }

  /** Removes a batch that is now in ClickHouse. */
  remove(entry: SpoolEntry): void {
    this.forget(entry)
    unlinkSync(entry.path)
  }

  private forget(entry: SpoolEntry): void {
    const i = this.entries.indexOf(entry)
    if (i < 0) return
    this.entries.splice(i, 1)
    this.total -= entry.size
  }

  /** Moves a batch ClickHouse refused into rejected/, out of the way of the others. */
  reject(entry: SpoolEntry): string {
    const dir = join(this.dir, 'rejected')
    mkdirSync(dir, { recursive: true })
    const to = join(dir, `${String(entry.position).padStart(12, '0')}-${entry.id}.rlb`)
    renameSync(entry.path, to)
    this.forget(entry)
    this.rejected++
    return to
  }

  /** Keeps a batch ClickHouse refused that was never spooled, in rejected/. */
  async keepRejected(id: string, data: Uint8Array): Promise<string> {
    const dir = join(this.dir, 'rejected')
    mkdirSync(dir, { recursive: true })
    const to = join(dir, `${id}.rlb`)
    await writeFile(to, data)
    this.rejected++
    return to
  }
}

// The dump directory as RIPE RIS lays theirs out: one folder per month, files
// named by the start of what they hold (UTC):
//
//   <dir>/2024.01/updates.20240115.1205.gz   updates received 12:05–12:10
//   <dir>/2024.01/bview.20240115.0800.gz     the Adj-RIB-In at 08:00
//
// A file is written under a hidden temporary name beside its final one
// (".updates.20240115.1205.gz.<pid>.tmp", same directory, so the same file
// system), flushed to disk, and renamed when complete: rename is atomic, so
// a reader (or the API) sees a whole file or none, and a crash leaves only a
// temporary file, which the next start removes (unless its process is
// still running: two collectors may share a directory in tests).

import { open, readdir, rename, rm, rmdir, stat, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

export type MrtFileKind = 'updates' | 'bview'

export interface MrtFileInfo {
  /** Path under the dump directory: "2024.01/updates.20240115.1205.gz". */
  readonly path: string
  readonly kind: MrtFileKind
  /** What the name says: the interval's start (updates) or the dump's time (bview), ms since the epoch. */
  readonly time: number
  readonly size: number
  /** When the file was completed (its mtime), ms since the epoch. */
  readonly modified: number
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** "2024.01/updates.20240115.1205.gz" for a kind and a time (ms, UTC). */
export function relativePath(kind: MrtFileKind, timeMs: number): string {
  const d = new Date(timeMs)
  const y = d.getUTCFullYear()
  const m = pad(d.getUTCMonth() + 1)
  const day = pad(d.getUTCDate())
  return `${y}.${m}/${kind}.${y}${m}${day}.${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}.gz`
}

const NAME = /^(\d{4})\.(\d{2})\/(updates|bview)\.(\d{4})(\d{2})(\d{2})\.(\d{2})(\d{2})\.gz$/

/** The kind and time of a relative path in the layout above; undefined for anything else (so "../x" never passes). */
export function parseRelativePath(path: string): { kind: MrtFileKind; time: number } | undefined {
  const m = NAME.exec(path)
  if (!m) return undefined
  const [, fy, fm, kind, y, mo, d, h, mi] = m
  if (fy !== y || fm !== mo) return undefined
  const time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi))
  // Reject dates that roll over (20240231) so that one file has one name.
  if (relativePath(kind as MrtFileKind, time) !== path) return undefined
  return { kind: kind as MrtFileKind, time }
}

export function tempPath(final: string): string {
  return join(dirname(final), `.${basename(final)}.${process.pid}.tmp`)
}

const TEMP = /^\.(?:updates|bview)\.\d{8}\.\d{4}\.gz(?:\.concat)?\.(\d+)\.tmp$/

/**
 * Flushes a finished temporary file to disk, then renames it over its final
 * name and flushes the directory, so that after a crash (even of the machine)
 * the final name holds the whole file or nothing new.
 */
export async function publish(tmp: string, final: string): Promise<void> {
  const f = await open(tmp, 'r+')
  try {
    await f.sync()
  } finally {
    await f.close()
  }
  await rename(tmp, final)
  await syncDir(dirname(final))
}

async function syncDir(dir: string): Promise<void> {
  let d: Awaited<ReturnType<typeof open>> | undefined
  try {
    d = await open(dir, 'r')
    await d.sync()
  } catch {
    // Some file systems refuse fsync on a directory; the rename is done either way.
  } finally {
    await d?.close()
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function monthDirs(dir: string): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw e
  }
  return names.filter((n) => /^\d{4}\.\d{2}$/.test(n)).sort()
}

/** Removes temporary files left by processes that are gone (a crash); returns their paths. */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  const removed: string[] = []
  for (const month of await monthDirs(dir)) {
    for (const name of await readdir(join(dir, month))) {
      const m = TEMP.exec(name)
      if (!m || alive(Number(m[1]))) continue
      await rm(join(dir, month, name), { force: true })
      removed.push(`${month}/${name}`)
    }
  }
  return removed
}

/** The published files, oldest first (by the time in their names; updates before a bview of the same time). */
export async function listFiles(dir: string): Promise<MrtFileInfo[]> {
  const out: MrtFileInfo[] = []
  for (const month of await monthDirs(dir)) {
    let names: string[]
    try {
      names = await readdir(join(dir, month))
    } catch {
      continue
    }
    for (const name of names) {
      const path = `${month}/${name}`
      const p = parseRelativePath(path)
      if (!p) continue
      try {
        const s = await stat(join(dir, path))
        if (s.isFile()) out.push({ path, kind: p.kind, time: p.time, size: s.size, modified: s.mtimeMs })
      } catch {
        // Removed (retention) while listing.
      }
    }
  }
  return out.sort((a, b) => a.time - b.time || (a.kind < b.kind ? 1 : a.kind > b.kind ? -1 : 0))
}

/** Deletes published files whose time is before `before` (ms), and older month folders left empty; returns their paths. */
export async function removeOlderThan(dir: string, before: number): Promise<string[]> {
  const removed: string[] = []
  for (const f of await listFiles(dir)) {
    if (f.time >= before) continue
    await unlink(join(dir, f.path)).catch(() => {})
    removed.push(f.path)
  }
  // Only months wholly before the cut-off: the current one may be about to get a file.
  const keep = relativePath('updates', before).slice(0, 7)
  for (const month of await monthDirs(dir)) {
    if (month < keep) await rmdir(join(dir, month)).catch(() => {})
  }
  return removed
}

// The MRT dump sink: what the collector receives, in files as RIPE RIS and
// RouteViews publish theirs (files.ts has the layout):
//
//  - updates files, one per interval (default 5 minutes): every UPDATE
//    received, as BGP4MP_ET MESSAGE_AS4 (MESSAGE for a 2-octet session; the
//    _ADDPATH subtype when the UPDATE carries a family whose path ids the
//    session negotiated, RFC 8050), and every session state change as
//    STATE_CHANGE_AS4. Messages the collector sent (OPEN, KEEPALIVE…) and the
//    withdrawals it makes up when a session ends are not in them, as in RIS
//    files: readers see the state change.
//  - RIB dumps (bview) every N hours (default 8, at multiples of N hours
//    since midnight UTC): the Adj-RIB-In as TABLE_DUMP_V2 (rib-dump.ts).
//
// Events are taken as the bus publishes them (the subscription's filter
// writes them and declines them, as the ClickHouse sink does), so nothing
// is queued and nothing is dropped by the bus, and each record is written
// exactly once, in publication order, into the file of its time.
// Optional retention deletes files older than D days (by the time in their
// names), at start and at most hourly after.

import type { WriteStream } from 'node:fs'
import { type FileHandle, mkdir, open, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { type CodecContext, familyKey } from '../../bgp/index.ts'
import type { BusEvent, EventBus, SessionState, Subscription, UpdateEvent } from '../../events/index.ts'
import type { Logger } from '../../log/logger.ts'
import { MrtOutput, type MrtSessionHeader, mrtSession } from '../../mrt/index.ts'
import type { Rib } from '../../rib/index.ts'
import type { Clock, TimerHandle } from '../../session/index.ts'
import {
  listFiles,
  type MrtFileInfo,
  parseRelativePath,
  publish,
  relativePath,
  removeOlderThan,
  removeStaleTemps,
  tempPath,
} from './files.ts'
import { ParallelGzip } from './gzip.ts'
import { dumpRib, type RibDumpResult } from './rib-dump.ts'
import { UpdatesFiles, type UpdatesFilesStats } from './updates.ts'

export interface MrtDumpOptions {
  readonly dir: string
  /** Updates file interval (default 5 minutes). */
  readonly updatesIntervalMs?: number
  /** RIB dump interval (default 8 hours); 0: no scheduled dumps. */
  readonly ribIntervalMs?: number
  /** Delete files older than this (by their names' time); undefined: keep all. */
  readonly retentionMs?: number
  /** gzip level 1..9 (default 6). */
  readonly gzipLevel?: number
  /** Octets of updates kept in memory while no file can be written (default 64 MiB). */
  readonly maxPendingBytes?: number
  /** RIB dump: ms of work between turns of the event loop (default 8). */
  readonly sliceMs?: number
}

/** What the sink needs to know about a peer, by address (from the session's view). */
export interface MrtPeerInfo {
  /** Our address on the session. */
  readonly localAddress?: string
  readonly asn?: number | null
  readonly bgpId?: string
  /** When the current (or last) session came up, ms since the epoch. */
  readonly establishedAt?: number
}

export interface MrtDumpDeps {
  readonly bus: EventBus
  readonly rib: Rib
  readonly clock: Clock
  readonly logger: Logger
  /** Our BGP identifier: the PEER_INDEX_TABLE's collector BGP id. */
  readonly collectorBgpId: string
  /** The PEER_INDEX_TABLE's view name (the collector's host name). */
  readonly viewName?: string
  readonly peer: (address: string) => MrtPeerInfo | undefined
}

export interface RibDumpFile extends RibDumpResult {
  readonly path: string
  readonly seconds: number
}

export interface MrtDumpStats {
  readonly updates: UpdatesFilesStats
  readonly ribDumps: number
  readonly ribDumpErrors: number
  readonly lastRibDump?: RibDumpFile
  readonly lastError?: string
}

/** RFC 6396 §4.4.1: 1 Idle … 6 Established. */
const STATE_NUMBER: Readonly<Record<SessionState, number>> = {
  Idle: 1,
  Connect: 2,
  Active: 3,
  OpenSent: 4,
  OpenConfirm: 5,
  Established: 6,
}

const IPV4_UNICAST = familyKey(1, 1)
const HOUR = 3_600_000

/** Ends an abandoned file stream and closes its handle; resolves once the descriptor is closed. */
async function discard(file: WriteStream | undefined, h: FileHandle | undefined): Promise<void> {
  if (file && !file.closed) {
    const closed = new Promise<void>((resolve) => file.once('close', () => resolve()))
    file.destroy()
    await closed
  }
  await h?.close().catch(() => {})
}

/** The UPDATE carries NLRI of a family whose path ids the session negotiated (scanning the raw octets). */
export function usesAddPath(raw: Uint8Array, ctx: CodecContext): boolean {
  if (raw.length < 23) return false
  const withdrawn = (raw[19]! << 8) | raw[20]!
  let p = 21 + withdrawn
  if (p + 2 > raw.length) return false
  const end = Math.min(p + 2 + ((raw[p]! << 8) | raw[p + 1]!), raw.length)
  p += 2
  if ((withdrawn > 0 || end < raw.length) && ctx.addPath.has(IPV4_UNICAST)) return true
  while (p + 3 <= end) {
    const flags = raw[p]!
    const code = raw[p + 1]!
    const ext = (flags & 0x10) !== 0
    const len = ext ? (raw[p + 2]! << 8) | (raw[p + 3] ?? 0) : raw[p + 2]!
    const v = p + (ext ? 4 : 3)
    if ((code === 14 || code === 15) && v + 3 <= end) {
      if (ctx.addPath.has(familyKey((raw[v]! << 8) | raw[v + 1]!, raw[v + 2]!))) return true
    }
    p = v + len
  }
  return false
}

export class MrtDumpSink {
  readonly dir: string
  private readonly o: Required<Omit<MrtDumpOptions, 'retentionMs'>> & Pick<MrtDumpOptions, 'retentionMs'>
  private readonly deps: MrtDumpDeps
  private readonly updates: UpdatesFiles
  private readonly subscription: Subscription
  private readonly sessions = new Map<string, MrtSessionHeader>()
  private ribTimer: TimerHandle | undefined
  private ribRetryTimer: TimerHandle | undefined
  private dumping: Promise<RibDumpFile> | undefined
  private stopping = false
  private lastRetention = -Infinity
  private ribDumps = 0
  private ribDumpErrors = 0
  private lastRibDump: RibDumpFile | undefined
  private lastError: string | undefined
  private internalErrors = 0

  constructor(options: MrtDumpOptions, deps: MrtDumpDeps) {
    this.o = {
      dir: options.dir,
      updatesIntervalMs: options.updatesIntervalMs ?? 5 * 60_000,
      ribIntervalMs: options.ribIntervalMs ?? 8 * HOUR,
      gzipLevel: options.gzipLevel ?? 6,
      maxPendingBytes: options.maxPendingBytes ?? 64 << 20,
      sliceMs: options.sliceMs ?? 8,
      ...(options.retentionMs !== undefined ? { retentionMs: options.retentionMs } : {}),
    }
    this.dir = options.dir
    this.deps = deps
    this.updates = new UpdatesFiles({
      dir: options.dir,
      intervalMs: this.o.updatesIntervalMs,
      gzipLevel: this.o.gzipLevel,
      maxPendingBytes: this.o.maxPendingBytes,
      clock: deps.clock,
      logger: deps.logger,
      onPublished: () => this.retention(),
    })
    // Taken at publish time and declined: nothing waits in the bus queue.
    this.subscription = deps.bus.tap(
      'mrt-dump',
      (e) => this.take(e),
      (err) => {
        // A bug of ours must never reach the session that published.
        if (this.internalErrors++ < 10)
          deps.logger.error('mrt-dump: internal error', { reason: (err as Error).stack ?? String(err) })
      },
    )
  }

  /** Creates the directory, removes what a crash left, applies retention, schedules the RIB dumps. */
  async start(): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true })
      const stale = await removeStaleTemps(this.dir)
      if (stale.length)
        this.deps.logger.warn('mrt-dump: removed unfinished files of an earlier run', {
          files: stale.join(','),
        })
    } catch (e) {
      this.lastError = (e as Error).message
      this.deps.logger.error('mrt-dump: directory not usable', {
        dir: this.dir,
        reason: (e as Error).message,
      })
    }
    this.deps.logger.info('mrt-dump', {
      dir: this.dir,
      updatesMinutes: this.o.updatesIntervalMs / 60_000,
      ribHours: this.o.ribIntervalMs / HOUR,
      retentionDays: this.o.retentionMs === undefined ? undefined : this.o.retentionMs / (24 * HOUR),
    })
    this.retention()
    this.scheduleRib()
  }

  /** Closes the open updates file (published if it holds records) and stops a running RIB dump. */
  async stop(): Promise<void> {
    this.stopping = true
    this.subscription.close()
    if (this.ribTimer) this.deps.clock.clearTimer(this.ribTimer)
    if (this.ribRetryTimer) this.deps.clock.clearTimer(this.ribRetryTimer)
    this.ribTimer = undefined
    this.ribRetryTimer = undefined
    await this.dumping?.catch(() => {})
    await this.updates.close()
  }

  stats(): MrtDumpStats {
    return {
      updates: this.updates.stats(),
      ribDumps: this.ribDumps,
      ribDumpErrors: this.ribDumpErrors,
      ...(this.lastRibDump ? { lastRibDump: this.lastRibDump } : {}),
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
    }
  }

  /** Published files, oldest first. */
  list(): Promise<MrtFileInfo[]> {
    return listFiles(this.dir)
  }

  /** The absolute path and size of a published file, by its listed path; undefined for any other path. */
  async file(path: string): Promise<{ readonly path: string; readonly size: number } | undefined> {
    if (!parseRelativePath(path)) return undefined
    const abs = join(this.dir, path)
    const s = await stat(abs).catch(() => undefined)
    return s?.isFile() ? { path: abs, size: s.size } : undefined
  }

  /** Closes the open updates file now. */
  rotateUpdates(): void {
    this.updates.rotate()
  }

  /** Writes a RIB dump named by `timeMs` (default: now, to the minute); one at a time. */
  dumpRib(timeMs?: number): Promise<RibDumpFile> {
    if (this.dumping) return this.dumping
    const now = this.deps.clock.now()
    const at = timeMs ?? now - (now % 60_000)
    const p = this.writeRibDump(at).finally(() => {
      if (this.dumping === p) this.dumping = undefined
    })
    this.dumping = p
    return p
  }

  // --- events ---------------------------------------------------------------------

  private take(e: BusEvent): void {
    if (e.type === 'state') {
      for (const k of this.sessions.keys()) if (k.startsWith(`${e.peerAddress}|`)) this.sessions.delete(k)
      this.updates.stateChange(
        this.session(e.peerAddress, e.peerAsn, e.localAsn, true),
        e.timestamp,
        STATE_NUMBER[e.from],
        STATE_NUMBER[e.to],
      )
      return
    }
    if (e.direction !== 'received' || e.synthetic || e.raw[18] !== 2) return
    this.message(e)
  }

  private message(e: UpdateEvent): void {
    const s = this.session(e.peerAddress, e.peerAsn, e.localAsn, e.context.asn4)
    this.updates.message(s, e.timestamp, e.raw, usesAddPath(e.raw, e.context))
  }

  private session(peerAddress: string, peerAs: number, localAs: number, asn4: boolean): MrtSessionHeader {
    const key = `${peerAddress}|${peerAs}|${localAs}|${asn4 ? 4 : 2}`
    let s = this.sessions.get(key)
    if (!s) {
      const local =
        this.deps.peer(peerAddress)?.localAddress ?? (peerAddress.includes(':') ? '::' : '0.0.0.0')
      s = mrtSession({ peerAddress, peerAs, localAddress: local, localAs, asn4 })
      this.sessions.set(key, s)
    }
    return s
  }

  // --- RIB dumps --------------------------------------------------------------------

  private scheduleRib(): void {
    const every = this.o.ribIntervalMs
    if (!every || this.stopping) return
    const now = this.deps.clock.now()
    const next = now - (now % every) + every
    this.ribTimer = this.deps.clock.setTimer(next - now, () => {
      this.ribTimer = undefined
      void this.scheduledDump(next, 0)
      this.scheduleRib()
    })
  }

  private async scheduledDump(at: number, attempt: number): Promise<void> {
    if (this.stopping) return
    if (this.dumping) {
      this.deps.logger.warn('mrt-dump: RIB dump still running, one skipped', {
        path: relativePath('bview', at),
      })
      return
    }
    try {
      await this.dumpRib(at)
    } catch {
      if (this.stopping) return
      // Retried with back-off (1, 2, 4… minutes) while it stays within the interval.
      const wait = Math.min(60_000 * 2 ** attempt, 30 * 60_000)
      if (this.deps.clock.now() + wait < at + this.o.ribIntervalMs) {
        this.deps.logger.warn('mrt-dump: RIB dump will be retried', {
          path: relativePath('bview', at),
          retryInMs: wait,
        })
        this.ribRetryTimer = this.deps.clock.setTimer(wait, () => {
          this.ribRetryTimer = undefined
          void this.scheduledDump(at, attempt + 1)
        })
      }
    }
  }

  private async writeRibDump(at: number): Promise<RibDumpFile> {
    const path = relativePath('bview', at)
    const final = join(this.dir, path)
    const tmp = tempPath(final)
    const t0 = performance.now()
    let failure: Error | undefined
    let h: FileHandle | undefined
    let file: WriteStream | undefined
    let gz: ParallelGzip | undefined
    try {
      await mkdir(dirname(final), { recursive: true })
      h = await open(tmp, 'w')
      const f = h.createWriteStream()
      file = f
      const failed = new Promise<never>((_, reject) =>
        f.on('error', (e) => {
          failure ??= e
          reject(e)
        }),
      )
      failed.catch(() => {})
      gz = new ParallelGzip(f, this.o.gzipLevel)
      gz.on('error', (e) => {
        failure ??= e
        f.destroy(e)
      })
      const out = new MrtOutput(gz, { gzip: false })
      const result = await dumpRib(out, {
        rib: this.deps.rib,
        timestamp: Math.floor(this.deps.clock.now() / 1000),
        collectorBgpId: this.deps.collectorBgpId,
        ...(this.deps.viewName !== undefined ? { viewName: this.deps.viewName } : {}),
        sliceMs: this.o.sliceMs,
        peerInfo: (address) => {
          const p = this.deps.peer(address)
          if (!p) return undefined
          return {
            asn: p.asn ?? 0,
            ...(p.bgpId ? { bgpId: p.bgpId } : {}),
            ...(p.establishedAt !== undefined ? { establishedAt: Math.floor(p.establishedAt / 1000) } : {}),
          }
        },
        pause: async () => {
          if (failure) throw failure
          await Promise.race([out.drain(), failed])
          await nextTurn()
          if (this.stopping) throw new Error('the collector is stopping')
        },
      })
      await Promise.race([out.close(), failed])
      await publish(tmp, final)
      const done: RibDumpFile = { ...result, path, seconds: (performance.now() - t0) / 1000 }
      this.ribDumps++
      this.lastRibDump = done
      this.deps.logger.info('mrt-dump: RIB dump', {
        path,
        peers: done.peers,
        prefixes: done.prefixes,
        entries: done.entries,
        seconds: Math.round(done.seconds * 10) / 10,
      })
      this.retention()
      return done
    } catch (e) {
      // Whatever failed (a write, the RIB walk, a stop), the file is closed before its name goes.
      gz?.destroy()
      await discard(file, h)
      await rm(tmp, { force: true }).catch(() => {})
      if (!this.stopping) {
        this.ribDumpErrors++
        this.lastError = `${path}: ${(e as Error).message}`
        this.deps.logger.error('mrt-dump: RIB dump failed', { path, reason: (e as Error).message })
      }
      throw e
    }
  }

  // --- retention -------------------------------------------------------------------

  private retention(): void {
    const keep = this.o.retentionMs
    if (keep === undefined) return
    const now = this.deps.clock.now()
    if (now - this.lastRetention < HOUR) return
    this.lastRetention = now
    removeOlderThan(this.dir, now - keep)
      .then((removed) => {
        if (removed.length) this.deps.logger.info('mrt-dump: retention', { removed: removed.length })
      })
      .catch((e) => this.deps.logger.warn('mrt-dump: retention failed', { reason: (e as Error).message }))
  }
}

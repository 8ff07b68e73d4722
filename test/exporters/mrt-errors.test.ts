// Write errors of the MRT files are reported and retried, never thrown at
// the sessions: a disk-full file (its temporary name made a link to
// /dev/full, so every write fails with ENOSPC) is not published and its
// records are counted as lost; a month folder that cannot be created keeps
// the records in memory, retries with back-off, and writes them all once it
// can. A scheduled RIB dump that fails is retried a minute later, and a
// failed or abandoned dump closes its file and leaves no temporary name.
// Retention deletes files older than its days and leaves the rest.

import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  DEFAULT_CONTEXT,
  decodeMessage,
  encodeMessage,
  type UpdateMessage,
  updateRoutes,
} from '../../collector/src/bgp/index.ts'
import { type BusEvent, EventBus } from '../../collector/src/events/index.ts'
import { memoryLogger } from '../../collector/src/log/logger.ts'
import { readMrt } from '../../collector/src/mrt/index.ts'
import { createRib, type Rib } from '../../collector/src/rib/index.ts'
import { manualClock } from '../../collector/src/session/index.ts'
import { type MrtDumpOptions, MrtDumpSink, tempPath } from '../../collector/src/sinks/mrt-dump/index.ts'
import { until } from './support.ts'

const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

function updateEvent(n: number, timestamp: number): BusEvent {
  const raw = encodeMessage(
    {
      type: 'UPDATE',
      withdrawn: [],
      attributes: [
        { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
        { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns: [64500] }] },
        { code: 3, flags: 0x40, name: 'NEXT_HOP', value: '192.0.2.1' },
      ],
      nlri: [{ prefix: `10.${n >> 8}.${n & 0xff}.0/24` }],
    },
    DEFAULT_CONTEXT,
  )
  return {
    type: 'message',
    host: 'rl-test',
    peerAddress: '192.0.2.1',
    peerAsn: 64500,
    localAsn: 65000,
    timestamp,
    sequence: n,
    direction: 'received',
    raw,
    message: undefined,
    context: DEFAULT_CONTEXT,
    problems: [],
  }
}

function setup(start: number, options: Partial<MrtDumpOptions> = {}, rib: Rib = createRib()) {
  const dir = mkdtempSync(join(tmpdir(), 'routelake-mrt-errors-'))
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
  const clock = manualClock(start)
  const bus = new EventBus()
  const logger = memoryLogger()
  const sink = new MrtDumpSink(
    { dir, ribIntervalMs: 0, ...options },
    { bus, rib, clock, logger, collectorBgpId: '192.0.2.254', peer: () => ({ asn: 64500 }) },
  )
  return { dir, clock, bus, logger, sink }
}

/** A RIB of one peer with `n` IPv4 /24s, each UPDATE of 100 prefixes its own attribute set. */
function ribOf(n: number): Rib {
  const rib = createRib()
  const peer = rib.peer('192.0.2.1')
  for (let k = 0; k * 100 < n; k++) {
    const m: UpdateMessage = {
      type: 'UPDATE',
      withdrawn: [],
      attributes: [
        { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
        { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns: [64500, 65000 + k] }] },
        { code: 3, flags: 0x40, name: 'NEXT_HOP', value: '192.0.2.1' },
      ],
      nlri: Array.from({ length: Math.min(100, n - k * 100) }, (_, j) => ({ prefix: `10.${k}.${j}.0/24` })),
    }
    const raw = encodeMessage(m, DEFAULT_CONTEXT)
    const d = decodeMessage(raw, DEFAULT_CONTEXT)
    rib.apply(
      peer,
      updateRoutes(d.message as UpdateMessage, d.problems, DEFAULT_CONTEXT),
      raw,
      DEFAULT_CONTEXT,
    )
  }
  return rib
}

/** What this process has open under a directory (or at /dev/full), by /proc/self/fd. */
function openFiles(dir: string): string[] {
  const out: string[] = []
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`)
    } catch {
      continue
    }
    if (target.startsWith(dir) || target === '/dev/full') out.push(target)
  }
  return out
}

async function count(path: string): Promise<number> {
  let n = 0
  for await (const _ of readMrt(path)) n++
  return n
}

describe('MRT file errors', () => {
  it('a disk-full file is not published, its records are counted lost, and the next file is written', async () => {
    const { dir, clock, bus, logger, sink } = setup(Date.UTC(2024, 0, 15, 12, 0, 10))
    mkdirSync(join(dir, '2024.01'), { recursive: true })
    symlinkSync('/dev/full', tempPath(join(dir, '2024.01/updates.20240115.1200.gz')))
    await sink.start()
    for (let n = 0; n < 100; n++) bus.publish(updateEvent(n, clock.nowMicros()))
    clock.advance(5 * 60_000)
    await until('the write error', () => sink.stats().updates.errors > 0)
    for (let n = 100; n < 150; n++) bus.publish(updateEvent(n, clock.nowMicros()))
    await sink.stop()
    expect(readdirSync(join(dir, '2024.01')).sort()).toEqual(['updates.20240115.1205.gz'])
    expect(await count(join(dir, '2024.01/updates.20240115.1205.gz'))).toBe(50)
    const { lastError, ...s } = sink.stats().updates
    expect(s).toEqual({ files: 1, records: 150, lost: 100, dropped: 0, pending: 0, errors: 1 })
    expect(lastError).toMatch(/^2024\.01\/updates\.20240115\.1200\.gz: ENOSPC/)
    expect(logger.lines.join('\n')).toMatch(
      /error +mrt-dump: cannot write updates file path=2024.01\/updates.20240115.1200.gz reason="ENOSPC/,
    )
  })

  it('a folder that cannot be made keeps the records in memory and writes them all when it can', async () => {
    const { dir, clock, bus, sink } = setup(Date.UTC(2024, 1, 1, 0, 0, 10))
    // A file where the month folder goes: mkdir fails (EEXIST/ENOTDIR) until it is gone.
    writeFileSync(join(dir, '2024.02'), 'in the way')
    await sink.start()
    for (let n = 0; n < 100; n++) bus.publish(updateEvent(n, clock.nowMicros()))
    expect(sink.stats().updates).toMatchObject({ pending: 100, errors: 1, lost: 0 })
    // The first retry (after 1 s) fails too; the folder is freed; the next (2 s later) works.
    clock.advance(1000)
    await until('the first retry', () => sink.stats().updates.errors === 2)
    rmSync(join(dir, '2024.02'))
    clock.advance(2000)
    await until('written again', () => sink.stats().updates.pending === 0)
    for (let n = 100; n < 120; n++) bus.publish(updateEvent(n, clock.nowMicros()))
    await sink.stop()
    expect(readdirSync(join(dir, '2024.02'))).toEqual(['updates.20240201.0000.gz'])
    expect(await count(join(dir, '2024.02/updates.20240201.0000.gz'))).toBe(120)
    expect(sink.stats().updates).toMatchObject({ files: 1, records: 120, lost: 0, dropped: 0, pending: 0 })
  })

  it('over its memory bound, records are dropped and counted', async () => {
    const { dir, clock, bus, sink } = setup(Date.UTC(2024, 1, 1, 0, 0, 10), { maxPendingBytes: 2000 })
    writeFileSync(join(dir, '2024.02'), 'in the way')
    await sink.start()
    for (let n = 0; n < 100; n++) bus.publish(updateEvent(n, clock.nowMicros()))
    const s = sink.stats().updates
    expect(s.pending + s.dropped).toBe(100)
    expect(s.dropped).toBeGreaterThan(0)
    await sink.stop()
  })

  it('a scheduled RIB dump that fails is retried, succeeds, and leaves no temporary file or open descriptor', async () => {
    const { dir, clock, logger, sink } = setup(
      Date.UTC(2024, 0, 15, 7, 59, 0),
      { ribIntervalMs: 8 * 3_600_000 },
      ribOf(300),
    )
    // The 08:00 dump's temporary name leads to /dev/full: its writes fail with ENOSPC, after the open.
    mkdirSync(join(dir, '2024.01'), { recursive: true })
    const final = join(dir, '2024.01/bview.20240115.0800.gz')
    symlinkSync('/dev/full', tempPath(final))
    await sink.start()
    clock.advance(60_000)
    await until('the failed dump', () => sink.stats().ribDumpErrors === 1)
    // Its file closed and its temporary name (the link) removed; the retry a minute later, not before.
    expect([readdirSync(join(dir, '2024.01')), openFiles(dir)]).toEqual([[], []])
    expect(sink.stats().ribDumps).toBe(0)
    expect(logger.lines.join('\n')).toMatch(
      /warn +mrt-dump: RIB dump will be retried path=2024.01\/bview.20240115.0800.gz retryInMs=60000/,
    )
    clock.advance(59_000)
    await new Promise((r) => setTimeout(r, 50))
    expect(sink.stats().ribDumps).toBe(0)
    clock.advance(1000)
    await until('the retried dump', () => sink.stats().ribDumps === 1)
    await sink.stop()
    expect([readdirSync(join(dir, '2024.01')), openFiles(dir)]).toEqual([['bview.20240115.0800.gz'], []])
    let prefixes = 0
    for await (const r of readMrt(final)) if (r.body?.kind === 'RIB') prefixes++
    expect(prefixes).toBe(300)
    const { lastRibDump, lastError, ...stats } = sink.stats()
    expect([stats.ribDumps, stats.ribDumpErrors, lastRibDump?.path, lastRibDump?.prefixes]).toEqual([
      1,
      1,
      '2024.01/bview.20240115.0800.gz',
      300,
    ])
    expect(lastError).toMatch(/^2024\.01\/bview\.20240115\.0800\.gz: ENOSPC/)
  })

  it('a RIB dump abandoned when the collector stops closes its file and removes it', async () => {
    const { dir, sink } = setup(Date.UTC(2024, 0, 15, 12, 0, 0), { sliceMs: 0 }, ribOf(20_000))
    await sink.start()
    const dump = sink.dumpRib().then(
      () => 'written',
      (e: Error) => e.message,
    )
    // Stopped while the dump pauses between slices: it ends at its next pause.
    await until('the dump under way', () => readdirSync(dir).includes('2024.01'))
    await sink.stop()
    expect(await dump).toBe('the collector is stopping')
    expect([readdirSync(join(dir, '2024.01')), openFiles(dir)]).toEqual([[], []])
    expect(sink.stats()).toMatchObject({ ribDumps: 0, ribDumpErrors: 0 })
  })

  it('retention deletes files older than its days, by the time in their names', async () => {
    const { dir, sink } = setup(Date.UTC(2024, 2, 10, 12, 0), { retentionMs: 7 * 86_400_000 })
    for (const [month, name] of [
      ['2024.01', 'updates.20240131.2355.gz'],
      ['2024.03', 'bview.20240302.0800.gz'],
      ['2024.03', 'updates.20240303.1155.gz'],
      ['2024.03', 'updates.20240304.0000.gz'],
    ] as const) {
      mkdirSync(join(dir, month), { recursive: true })
      writeFileSync(join(dir, month, name), '')
      // Modification times say nothing: the names do.
      utimesSync(join(dir, month, name), new Date(), new Date())
    }
    await sink.start()
    await until('retention', () => !readdirSync(dir).includes('2024.01'))
    await until('retention in March', () => readdirSync(join(dir, '2024.03')).length === 1)
    expect(readdirSync(join(dir, '2024.03'))).toEqual(['updates.20240304.0000.gz'])
    expect((await sink.list()).map((f) => f.path)).toEqual(['2024.03/updates.20240304.0000.gz'])
    await sink.stop()
  })
})

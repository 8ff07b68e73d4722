// Write errors of the MRT files are reported and retried, never thrown at
// the sessions: a disk-full file (its temporary name made a link to
// /dev/full, so every write fails with ENOSPC) is not published and its
// records are counted as lost; a month folder that cannot be created keeps
// the records in memory, retries with back-off, and writes them all once it
// can. Retention deletes files older than its days and leaves the rest.

import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_CONTEXT, encodeMessage } from '../../collector/src/bgp/index.ts'
import { type BusEvent, EventBus } from '../../collector/src/events/index.ts'
import { memoryLogger } from '../../collector/src/log/logger.ts'
import { readMrt } from '../../collector/src/mrt/index.ts'
import { createRib } from '../../collector/src/rib/index.ts'
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

function setup(start: number, options: Partial<MrtDumpOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'routelake-mrt-errors-'))
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
  const clock = manualClock(start)
  const bus = new EventBus()
  const logger = memoryLogger()
  const sink = new MrtDumpSink(
    { dir, ribIntervalMs: 0, ...options },
    { bus, rib: createRib(), clock, logger, collectorBgpId: '192.0.2.254', peer: () => undefined },
  )
  return { dir, clock, bus, logger, sink }
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

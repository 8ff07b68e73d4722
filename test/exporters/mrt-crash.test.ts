// Crash safety of the MRT files: a writer killed with SIGKILL while it
// writes (several times, at different moments) leaves under the published
// names only whole files (each gunzips, reads to its last record with our
// reader and bgpdump), the published files hold one unbroken run of the
// messages written (none twice, none missing between them), and the next
// start removes the unfinished temporary files.

import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import {
  DEFAULT_CONTEXT,
  decodeMessage,
  encodeMessage,
  type UpdateMessage,
} from '../../collector/src/bgp/index.ts'
import { type BusEvent, EventBus } from '../../collector/src/events/index.ts'
import { memoryLogger } from '../../collector/src/log/logger.ts'
import { readMrt } from '../../collector/src/mrt/index.ts'
import { createRib } from '../../collector/src/rib/index.ts'
import { manualClock, systemClock } from '../../collector/src/session/index.ts'
import { MrtDumpSink } from '../../collector/src/sinks/mrt-dump/index.ts'
import { requireProgram, run, until } from './support.ts'

const WRITER = fileURLToPath(new URL('./crash-writer.ts', import.meta.url))
const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})
const haveBgpdump = requireProgram('/usr/bin/bgpdump', 'bgpdump')

function numberOf(prefix: string): number {
  const [a, b, c] = prefix.split('.').map(Number)
  return ((a! - 10) << 16) | (b! << 8) | c!
}

async function killedWriter(dir: string, after: number, start: number): Promise<string[]> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, String(start)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  cleanup.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  const published: string[] = []
  let buffered = ''
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString()
    const lines = buffered.split('\n')
    buffered = lines.pop()!
    for (const l of lines) if (l.startsWith('published ')) published.push(l.slice(10))
  })
  await until(`${after} files published`, () => published.length >= after, 60_000)
  // A moment into the next interval: the open file is being written.
  await new Promise((r) => setTimeout(r, 100 + Math.floor(Math.random() * 150)))
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGKILL')
  await exited
  return published
}

describe('MRT files and a crash', () => {
  it('a SIGKILL mid-write leaves only whole files under published names, and a restart cleans up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'routelake-mrt-crash-'))
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
    // Two runs, an hour apart on their clocks, each killed after a few files.
    await killedWriter(dir, 2, Date.UTC(2024, 0, 15, 12, 0))
    await killedWriter(dir, 3, Date.UTC(2024, 0, 15, 13, 0))
    const month = readdirSync(dir).filter((n) => /^\d{4}\.\d{2}$/.test(n))
    const names = month.flatMap((m) => readdirSync(join(dir, m)).map((n) => `${m}/${n}`))
    const finals = names.filter((n) => !n.split('/')[1]!.startsWith('.'))
    const temps = names.filter((n) => n.split('/')[1]!.startsWith('.'))
    expect(finals.length).toBeGreaterThanOrEqual(5)
    // Every published file is whole: gunzip and both readers go to its end.
    const seen: number[][] = []
    for (const f of finals) {
      const path = join(dir, f)
      expect(() => gunzipSync(readFileSync(path)), f).not.toThrow()
      const numbers: number[] = []
      for await (const r of readMrt(path)) {
        const b = r.body!
        expect(b.kind).toBe('BGP4MP_MESSAGE')
        if (b.kind !== 'BGP4MP_MESSAGE') continue
        const u = decodeMessage(b.message.message, DEFAULT_CONTEXT).message as UpdateMessage
        numbers.push(numberOf(u.nlri[0]!.prefix))
      }
      seen.push(numbers)
      if (haveBgpdump) {
        const lines = (await run('/usr/bin/bgpdump', ['-m', path])).split('\n').filter(Boolean)
        expect(lines.length, f).toBe(numbers.length)
      }
    }
    // Within each run of the writer (12:xx and 13:xx by its clock), the files, in time order, hold
    // consecutive messages from the first: none twice, none missing between them.
    for (const hour of ['.12', '.13']) {
      const mine = finals
        .map((f, i) => [f, seen[i]!] as const)
        .filter(([f]) => f.includes(`${hour}`))
        .sort()
      expect(mine.length).toBeGreaterThanOrEqual(2)
      const all = mine.flatMap(([, numbers]) => numbers)
      expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i))
    }
    // The next start removes what the killed writers left unfinished.
    const sink = new MrtDumpSink(
      { dir, ribIntervalMs: 0 },
      {
        bus: new EventBus(),
        rib: createRib(),
        clock: systemClock(),
        logger: memoryLogger(),
        collectorBgpId: '192.0.2.254',
        peer: () => undefined,
      },
    )
    await sink.start()
    await sink.stop()
    const left = month.flatMap((m) => readdirSync(join(dir, m)).filter((n) => n.startsWith('.')))
    expect(left).toEqual([])
    // Each kill came while an interval's file was open: its temporary file was there, never its name.
    expect(temps.length).toBeGreaterThanOrEqual(1)
  })

  it('a restart within an interval appends to its file (a second gzip member), read as one stream', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'routelake-mrt-append-'))
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
    const clock = manualClock(Date.UTC(2024, 0, 15, 12, 0, 10))
    for (const first of [0, 100]) {
      const bus = new EventBus()
      const sink = new MrtDumpSink(
        { dir, ribIntervalMs: 0 },
        {
          bus,
          rib: createRib(),
          clock,
          logger: memoryLogger(),
          collectorBgpId: '192.0.2.254',
          peer: () => undefined,
        },
      )
      await sink.start()
      for (let n = first; n < first + 100; n++) bus.publish(updateEvent(n, clock.nowMicros()))
      await sink.stop()
      clock.advance(30_000)
    }
    const files = readdirSync(join(dir, '2024.01'))
    expect(files).toEqual(['updates.20240115.1200.gz'])
    const path = join(dir, '2024.01', files[0]!)
    const numbers: number[] = []
    for await (const r of readMrt(path)) {
      const b = r.body!
      if (b.kind !== 'BGP4MP_MESSAGE') continue
      numbers.push(
        numberOf(
          (decodeMessage(b.message.message, DEFAULT_CONTEXT).message as UpdateMessage).nlri[0]!.prefix,
        ),
      )
    }
    expect(numbers).toEqual(Array.from({ length: 200 }, (_, i) => i))
    if (haveBgpdump)
      expect((await run('/usr/bin/bgpdump', ['-m', path])).split('\n').filter(Boolean).length).toBe(200)
  })
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
      nlri: [{ prefix: `10.0.${n}.0/24` }],
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

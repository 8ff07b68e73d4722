// The collector killed mid-stream (SIGKILL to it and its writer child at
// once, as the OOM killer would) and started again on the same data
// directory. "Nothing lost" means: every event of every batch the writer had
// acknowledged — inserted into ClickHouse, or written to the spool — is stored
// after the restart, exactly once, with all its rows in every table. Events
// not yet acknowledged (in the bus, the open batch, or held by the writer) may
// be lost, and nothing else; none is stored twice.

import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import type { BusEvent } from '../../collector/src/events/index.ts'
import { displayAddress } from '../../collector/src/storage/queries.ts'
import { requireTestdata } from '../../collector/test-support/testdata.ts'
import { mrtEvents } from './mrt-events.ts'
import { cleanDirs, embeddedOptions, settled, tempDir, until, writerFor } from './support.ts'

const FEEDER = fileURLToPath(new URL('./crash-feeder.ts', import.meta.url))
const cleanup: (() => Promise<unknown> | undefined)[] = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
  cleanDirs()
})

const testdata = requireTestdata('storage')

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const key = (e: BusEvent) => `${e.peerAddress}|${e.sequence}`

describe('the collector killed mid-stream', () => {
  it.runIf(testdata)(
    'loses nothing it had acknowledged and stores nothing twice after a restart',
    async () => {
      const file = join(testdata!, 'mrt/bgpdump/updates.20071015.1505.gz')
      const events = await mrtEvents(file)
      const dir = tempDir()
      const feeder: ChildProcess = spawn(process.execPath, ['--import', 'tsx', FEEDER, dir, file], {
        detached: true,
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      cleanup.push(() => {
        if (feeder.exitCode === null && feeder.signalCode === null) process.kill(-feeder.pid!, 'SIGKILL')
      })
      const batches = new Map<string, [number, number]>()
      const acked = new Map<string, string>()
      let writerPid = 0
      let buffered = ''
      feeder.stdout!.on('data', (d: Buffer) => {
        buffered += d.toString()
        const lines = buffered.split('\n')
        buffered = lines.pop()!
        for (const l of lines) {
          const f = l.split(' ')
          if (f[0] === 'writer') writerPid = Number(f[1])
          else if (f[0] === 'batch') batches.set(f[1]!, [Number(f[2]), Number(f[3])])
          else if (f[0] === 'ack') acked.set(f[1]!, f[2]!)
        }
      })
      const spooled = () => [...acked.values()].filter((o) => o === 'spooled').length
      await until('batches acknowledged, some spooled', () => acked.size >= 10 && spooled() > 0, 120_000)
      // Both processes at once, mid-stream.
      const exited = new Promise((r) => feeder.once('exit', r))
      process.kill(-feeder.pid!, 'SIGKILL')
      await exited
      await until('the writer child gone too', () => !alive(writerPid))
      const handedOver = batches.size
      expect([...acked.values()].every((o) => o === 'spooled' || o === 'inserted')).toBe(true)

      // Restart on the same data directory: the spool is replayed.
      const { writer } = writerFor(embeddedOptions(dir))
      cleanup.push(() => writer.stop())
      await writer.start()
      await settled(writer)
      // Batches the killed writer had spooled and not inserted were inserted by this one.
      expect(writer.stats().child!.replayedBatches).toBeGreaterThan(0)

      const rows = await writer.query<{ p: string; s: string }>(
        'SELECT toString(peer_address) AS p, sequence AS s FROM messages',
      )
      const stored = new Set(rows.map((r) => `${displayAddress(r.p)}|${r.s}`))
      expect(stored.size).toBe(rows.length)
      const published = new Set(events.map(key))
      const mustHave: string[] = []
      for (const [id] of acked) {
        const [from, to] = batches.get(id)!
        for (const e of events.slice(from, to)) mustHave.push(key(e))
      }
      expect(mustHave.length).toBe(acked.size * 100)
      expect(mustHave.filter((k) => !stored.has(k))).toEqual([])
      // …with all their rows in `updates` too, once each.
      const perMessage = new Map(
        (
          await writer.query<{ p: string; s: string; n: string }>(
            'SELECT toString(peer_address) AS p, sequence AS s, count() AS n FROM updates GROUP BY p, s',
          )
        ).map((r) => [`${displayAddress(r.p)}|${r.s}`, Number(r.n)]),
      )
      const nlri = (e: BusEvent) =>
        e.type === 'message' && e.routes
          ? [...e.routes.announce, ...e.routes.withdraw].reduce((n, f) => n + f.nlri.length, 0)
          : 0
      const wrong = [...acked.keys()].flatMap((id) => {
        const [from, to] = batches.get(id)!
        return events
          .slice(from, to)
          .filter((e) => (perMessage.get(key(e)) ?? 0) !== nlri(e))
          .map((e) => ({ message: key(e), expected: nlri(e), stored: perMessage.get(key(e)) ?? 0 }))
      })
      expect(wrong).toEqual([])
      expect([...stored].filter((k) => !published.has(k))).toEqual([])
      // What was lost, if anything, was never acknowledged.
      const lost = events.filter((e) => !stored.has(key(e)))
      const unacknowledged = new Set<string>()
      for (const [id, [from, to]] of batches)
        if (!acked.has(id)) for (const e of events.slice(from, to)) unacknowledged.add(key(e))
      for (const e of events.slice(handedOver * 100)) unacknowledged.add(key(e))
      expect(lost.filter((e) => !unacknowledged.has(key(e)))).toEqual([])
    },
  )
})

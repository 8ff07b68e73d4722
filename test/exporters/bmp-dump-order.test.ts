// The initial dump and live UPDATEs of the same peer, interleaved on one
// connection: the dump packs a peer's routes by attribute set across many
// slices, so what it read of a route may still wait in an open UPDATE when
// that route changes. The live UPDATE must then follow it, never pass it:
// with a peer re-announcing routes all through the dump, the station ends
// with exactly the RIB.

import { afterEach, describe, expect, it } from 'vitest'
import { memoryLogger } from '../../collector/src/log/logger.ts'
import { systemClock } from '../../collector/src/session/index.ts'
import { BmpExporter } from '../../collector/src/sinks/bmp-export/index.ts'
import { type Harness, peerSettings, startHarness } from '../sessions/harness.ts'
import { establish, RecordingStation, stationView, UNICAST, until, v4update } from './support.ts'

const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

const prefix = (i: number) => `10.${i >> 8}.${i & 0xff}.0/24`

describe('the BMP initial dump', () => {
  it('never sends a route older than a live UPDATE sent before it', async () => {
    const station = await RecordingStation.start()
    cleanup.push(() => station.close())
    const h: Harness = await startHarness([peerSettings({ address: '127.0.0.2', asn: 64500 })])
    cleanup.push(() => h.close())
    const bmp = new BmpExporter(
      {
        stations: [{ host: '127.0.0.1', port: station.port }],
        sysName: 'rl-test',
        sysDescr: 'Routelake test',
        statsIntervalMs: 0,
        // Short slices: the dump takes many turns of the event loop.
        sliceMs: 1,
      },
      {
        bus: h.bus,
        rib: h.rib,
        clock: systemClock(),
        logger: memoryLogger(),
        peer: (a) => h.sessions.peer(a)?.view(),
      },
    )
    cleanup.push(() => bmp.stop())
    const a = await establish(h, '127.0.0.2', UNICAST, { asn: 64500 })
    cleanup.push(() => a.close())
    // 20000 prefixes, 4 per attribute set, the 4 far apart in address order.
    const N = 20_000
    for (let set = 0; set < N / 4; set++)
      a.send(
        v4update(
          [0, 1, 2, 3].map((k) => ({ prefix: prefix(set + (k * N) / 4) })),
          [64500, 100000 + set],
        ),
      )
    await h.until('the table', () => h.rib.stats().paths === N, 30_000)
    bmp.start()
    await until('dumping', () => bmp.stats().stations[0]!.dumping)
    // Re-announcements all through the dump, each prefix of a set with a path of its own.
    let round = 0
    while (bmp.stats().stations[0]!.dumping) {
      round++
      for (let j = 0; j < 200; j++) {
        const i = (round * 7919 + j * 104729) % N
        a.send(v4update([{ prefix: prefix(i) }], [64500, 200000 + round, i]))
      }
      await new Promise((r) => setTimeout(r, 2))
    }
    expect(round).toBeGreaterThan(3)
    const rib = () => {
      const m = new Map<string, string>()
      for (const e of h.rib.entries('ipv4-unicast'))
        for (const r of e.routes)
          m.set(
            `127.0.0.2 ${e.prefix}`,
            r.attributes.attributes.asPath.map((s) => s.asns.join(' ')).join(' '),
          )
      return m
    }
    await until(
      'the station holds the RIB',
      () => {
        const v = stationView(station.bytes(0))
        const want = rib()
        return v.size === want.size && [...want].every(([k, p]) => v.get(k) === p)
      },
      30_000,
    )
    expect(bmp.stats().stations[0]).toMatchObject({ connects: 1, overflows: 0 })
  })
})

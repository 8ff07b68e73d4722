// A station that stops reading never slows the sessions: once more than
// maxBufferBytes wait for it, the exporter drops the connection (counted,
// logged) rather than lose an update on it, reconnects with back-off, and
// the new connection starts over with a full dump, after which the station
// holds exactly the RIB. Meanwhile every UPDATE reached the RIB.

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

describe('a slow BMP station', () => {
  it('is dropped when too much waits for it, and resynchronised with a full dump on reconnect', async () => {
    const station = await RecordingStation.start()
    cleanup.push(() => station.close())
    const h: Harness = await startHarness([peerSettings({ address: '127.0.0.2', asn: 64500 })])
    cleanup.push(() => h.close())
    const logger = memoryLogger()
    const bmp = new BmpExporter(
      {
        stations: [{ host: '127.0.0.1', port: station.port }],
        sysName: 'rl-test',
        sysDescr: 'Routelake test',
        statsIntervalMs: 0,
        maxBufferBytes: 256 * 1024,
        reconnectMinMs: 200,
        reconnectMaxMs: 400,
      },
      { bus: h.bus, rib: h.rib, clock: systemClock(), logger, peer: (a) => h.sessions.peer(a)?.view() },
    )
    cleanup.push(() => bmp.stop())
    const a = await establish(h, '127.0.0.2', UNICAST, { asn: 64500 })
    cleanup.push(() => a.close())
    bmp.start()
    await until(
      'connected',
      () => station.connections.length === 1 && bmp.stats().stations[0]!.lastDump !== undefined,
    )
    // The station stops reading.
    station.connections[0]!.socket.pause()
    const prefixes = Array.from({ length: 100 }, (_, i) => ({ prefix: `10.0.${i}.0/24` }))
    let sent = 0
    while (bmp.stats().stations[0]!.overflows === 0) {
      for (let i = 0; i < 500; i++, sent++) a.send(v4update(prefixes, [64500, 100000 + sent]))
      await new Promise((r) => setTimeout(r, 5))
      if (sent > 400_000) throw new Error('the exporter never gave up on the station')
    }
    expect(logger.lines.join('\n')).toMatch(/bmp: station too slow, connection dropped/)
    // The sessions were never held up: every UPDATE reaches the RIB.
    const last = `64500 ${100000 + sent - 1}`
    await until(
      'every UPDATE in the RIB',
      () => {
        const e = h.rib.exact('ipv4-unicast', '10.0.99.0/24')
        return e?.routes[0]?.attributes.attributes.asPath.map((s) => s.asns.join(' ')).join(' ') === last
      },
      60_000,
    )
    // The station reads again; the exporter reconnects and sends the whole RIB.
    for (const c of station.connections) c.socket.resume()
    await until(
      'reconnected with a full dump',
      () =>
        station.connections.length >= 2 &&
        bmp.stats().stations[0]!.connects >= 2 &&
        !bmp.stats().stations[0]!.dumping,
      30_000,
    )
    // The last connection's messages alone (Peer Up, dump, live) give the station the RIB.
    const converged = () => {
      const view = stationView(station.bytes())
      return view.size === 100 && [...view.values()].every((p) => p === last)
    }
    await until('the station holds the RIB', converged, 30_000)
    // Dropped at least once (the station shares this process's event loop, so the flood that
    // follows a reconnect can overflow it again), never disconnected otherwise.
    const st = bmp.stats().stations[0]!
    expect(st.state).toBe('up')
    expect(st.overflows).toBeGreaterThanOrEqual(1)
    expect(st.disconnects).toBe(st.overflows)
  })
})

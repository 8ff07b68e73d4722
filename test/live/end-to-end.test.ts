// End to end with a real feeder: `routelake replay` sends an MRT updates file
// (RIPE RIS, 2007) and an ADD-PATH RIB dump through TCP relays that record
// every octet, into an in-process collector; a WebSocket client (includeRaw)
// and an HTTP stream must get exactly one ris_message per BGP message the
// feeders sent, and `raw` must be those octets.

import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireTestdata } from '../../collector/test-support/testdata.ts'
import {
  eventually,
  type LiveCollector,
  RecordingRelay,
  RisClient,
  routelake,
  StreamClient,
  startLiveCollector,
  stopChild,
} from './harness.ts'

const testdata = requireTestdata('live: end to end with routelake replay')

const TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'OPEN',
  2: 'UPDATE',
  3: 'NOTIFICATION',
  4: 'KEEPALIVE',
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex').toUpperCase()
}

describe.runIf(testdata)('end to end: routelake replay → collector → clients', () => {
  let lc: LiveCollector
  let ws: RisClient
  let stream: StreamClient
  const relays: RecordingRelay[] = []
  const feeders: ReturnType<typeof routelake>[] = []
  const FEEDS = [
    {
      address: '127.0.0.21',
      asn: 65021,
      file: join(testdata ?? '', 'mrt/bgpdump/updates.20071015.1505.gz'),
      extra: [] as string[],
    },
    {
      address: '127.0.0.22',
      asn: 65022,
      file: join(testdata ?? '', 'mrt/bgpdump/bview.ipv4_unicast_add_path.gz'),
      extra: ['--add-path'],
    },
  ]

  beforeAll(async () => {
    lc = await startLiveCollector()
    ws = await RisClient.connect(lc.ws())
    await ws.subscribe({ socketOptions: { includeRaw: true, acknowledge: true } })
    stream = new StreamClient(lc.http('/v1/stream/?format=json&client=e2e'))
    await eventually(() => stream.status === 200, 5000, 'the stream')
    for (const f of FEEDS) {
      const relay = new RecordingRelay(lc.bgpPort, f.address)
      relays.push(relay)
      const port = await relay.listen()
      feeders.push(
        routelake([
          'replay',
          f.file,
          '--connect',
          `127.0.0.1:${port}`,
          '--local-as',
          String(f.asn),
          '--as-fast-as-possible',
          ...f.extra,
        ]),
      )
    }
    // Each feeder says when it has sent everything; then the clients must have it all.
    await eventually(
      () => feeders.every((f) => f.output().includes('replayed session')),
      90_000,
      'the feeders to finish',
    )
    const updatesSent = () => relays.reduce((n, r) => n + r.messages().filter((m) => m[18] === 2).length, 0)
    let seen = -1
    await eventually(
      () => {
        const n = updatesSent()
        const stable = n === seen && n > 0
        seen = n
        return stable && ws.data('UPDATE').length === n && stream.data('UPDATE').length === n
      },
      90_000,
      'every UPDATE at both clients',
    )
    await new Promise((r) => setTimeout(r, 300))
  }, 120_000)

  afterAll(async () => {
    for (const f of feeders) await stopChild(f)
    for (const r of relays) await r.close()
    ws?.ws.terminate()
    stream?.close()
    await lc?.stop()
  })

  it.each(FEEDS.map((f, i) => [f.address, i] as const))(
    'every message %s sent reaches the WebSocket once, with its exact octets',
    (address, i) => {
      const sent = relays[i]!.messages()
      const got = ws
        .data()
        .filter((d) => d.peer === address && d.direction !== 'sent' && d.type !== 'RIS_PEER_STATE')
      const visible = sent.filter((m) => TYPE_NAMES[m[18]!])
      expect(got.map((d) => d.type)).toEqual(visible.map((m) => TYPE_NAMES[m[18]!]))
      expect(got.map((d) => d.raw)).toEqual(visible.map(hex))
      expect(visible.filter((m) => m[18] === 2).length).toBeGreaterThan(i === 0 ? 100 : 1)
    },
  )

  it('the HTTP stream gets the same UPDATEs in the same order', () => {
    const strip = (d: Record<string, unknown>) => {
      const { raw: _r, ...rest } = d
      return rest
    }
    expect(stream.data('UPDATE')).toEqual(ws.data('UPDATE').map(strip))
  })

  it('counts what it delivered', () => {
    const st = lc.collector.live!.stats()
    expect(st.delivered).toBe(ws.data().length + stream.data().length)
    expect(st.slowConsumers).toBe(0)
    expect(st.queue.dropped).toBe(0)
    expect(st.latency.count).toBe(st.delivered)
  })
})

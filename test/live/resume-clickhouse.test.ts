// resumeFrom served from ClickHouse storage (the embedded engine): what a
// client missed is read back from the `messages` and `peer_events` tables,
// decoded again and filtered, then the socket goes live — with no gap and no
// duplicate while UPDATEs keep coming; and a resume after the collector itself
// restarted, from an id of the previous run.

import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StorageConfig } from '../../collector/src/config/config.ts'
import type { ScriptedSpeaker } from '../sessions/scripted-speaker.ts'
import { bulk, CRAFTED, establish, labelOf, PEER_A, PEER_B } from './feed.ts'
import {
  eventually,
  type LiveCollector,
  RisClient,
  StreamClient,
  startLiveCollector,
  tempDir,
} from './harness.ts'

const ids = (list: Record<string, unknown>[]) => list.map((d) => d.id as string)

describe('resume from ClickHouse storage', () => {
  const dir = tempDir('live-clickhouse')
  const storage: StorageConfig = {
    clickhouseDatabase: 'routelake',
    embeddedPath: join(dir.path, 'clickhouse'),
    spoolDir: join(dir.path, 'spool'),
    batchEvents: 500,
    batchAgeMs: 100,
  }
  let lc: LiveCollector
  let all: RisClient
  let a: ScriptedSpeaker
  let b: ScriptedSpeaker
  const clients: RisClient[] = []
  let lastOfRun1 = ''
  let afterLastOfRun1: string[] = []

  beforeAll(async () => {
    lc = await startLiveCollector({ storage, live: { resumeBuffer: 0 } })
    all = await RisClient.connect(lc.ws())
    await all.subscribe({ type: 'UPDATE', socketOptions: { acknowledge: true } })
    a = await establish(lc.bgpPort, PEER_A)
    b = await establish(lc.bgpPort, PEER_B)
  }, 120_000)

  afterAll(async () => {
    for (const c of [all, ...clients]) c?.ws.terminate()
    await a?.close()
    await b?.close()
    await lc?.stop()
    dir.remove()
  }, 120_000)

  it('replays from the stored messages after an id, then goes live, with no gap and no duplicate', async () => {
    const first = await RisClient.connect(lc.ws())
    clients.push(first)
    await first.subscribe({ type: 'UPDATE', socketOptions: { acknowledge: true } })
    a.send(CRAFTED[0]!.message)
    a.send(CRAFTED[1]!.message)
    await first.until(() => first.data('UPDATE').length === 2)
    first.ws.terminate()
    const last = first.data('UPDATE')[1]!.id as string
    for (const c of CRAFTED.slice(2, 5)) a.send(c.message)
    b.send(CRAFTED[5]!.message)
    for (const m of bulk(300, PEER_A.asn, PEER_A.address)) a.send(m)
    await all.until(() => all.data('UPDATE').length === 306)

    const again = await RisClient.connect(lc.ws())
    clients.push(again)
    again.send('ris_subscribe', { type: 'UPDATE', socketOptions: { resumeFrom: last } })
    b.send(CRAFTED[6]!.message)
    for (const m of bulk(300, PEER_A.asn, PEER_A.address, 300)) a.send(m)
    b.send(CRAFTED[7]!.message)
    await all.until(() => all.data('UPDATE').length === 608)
    const want = ids(all.data('UPDATE')).slice(2)
    await again.until(() => again.data('UPDATE').length >= want.length, 60_000)
    await new Promise((r) => setTimeout(r, 300))
    expect(again.of('ris_error')).toEqual([])
    expect(ids(again.data('UPDATE'))).toEqual(want)
    expect(again.data('UPDATE').slice(0, 3).map(labelOf)).toEqual(['M3', 'M4', 'M5'])
    // What came back from storage is the same data, field for field.
    expect(again.data('UPDATE')).toEqual(all.data('UPDATE').slice(2))
    expect(lc.collector.live!.stats().replayed).toBeGreaterThanOrEqual(304)
  }, 120_000)

  it('replays from a time, filtered, with the raw octets, on the HTTP stream', async () => {
    const before = all.data('UPDATE').length
    await new Promise((r) => setTimeout(r, 30))
    const from = Date.now() / 1000
    await new Promise((r) => setTimeout(r, 30))
    for (const m of bulk(20, PEER_B.asn, PEER_B.address, 1000)) b.send(m)
    await all.until(() => all.data('UPDATE').length === before + 20)
    const s = new StreamClient(lc.http('/v1/stream/?format=json'), {
      prefix: '100.64.0.0/10',
      socketOptions: { resumeFrom: from, includeRaw: true },
    })
    await s.until(() => s.data('UPDATE').length >= 20, 60_000)
    await new Promise((r) => setTimeout(r, 300))
    s.close()
    expect(ids(s.data('UPDATE'))).toEqual(ids(all.data('UPDATE').slice(before)))
    expect(s.data('UPDATE').every((d) => typeof d.raw === 'string' && /^[0-9A-F]+$/.test(d.raw))).toBe(true)
    lastOfRun1 = ids(all.data('UPDATE')).at(-21)!
    afterLastOfRun1 = ids(all.data('UPDATE')).slice(-20)
  }, 120_000)

  it('resumes after the collector restarted, from an id of its previous run', async () => {
    for (const c of [all, ...clients]) c.ws.terminate()
    await a.close()
    await b.close()
    // The sessions end (and the RIB withdraws their routes) before the collector stops.
    await eventually(
      () => lc.collector.sessions.views().every((v) => v.state !== 'Established'),
      10_000,
      'the sessions to end',
    )
    await lc.stop()
    lc = await startLiveCollector({ storage, live: { resumeBuffer: 0 } })
    const c = await RisClient.connect(lc.ws())
    clients.push(c)
    c.send('ris_subscribe', { type: 'UPDATE', socketOptions: { resumeFrom: lastOfRun1 } })
    await c.until(() => c.data('UPDATE').length >= 20 + 2, 60_000)
    // The last 20 UPDATEs of the previous run, then the withdrawals of the
    // sessions that ended with it (the RIB's synthetic ones, stored too).
    const got = c.data('UPDATE')
    expect(ids(got.slice(0, 20))).toEqual(afterLastOfRun1)
    expect(got.slice(20).every((d) => d.synthetic === true && (d.withdrawals as string[]).length > 0)).toBe(
      true,
    )
    expect(c.of('ris_error')).toEqual([])
  }, 120_000)
})

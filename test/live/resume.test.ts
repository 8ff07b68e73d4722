// resumeFrom: a client that went away comes back and gets what it missed from
// history, then the live feed, with no gap and no duplicate — while UPDATEs
// keep arriving during the replay.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ScriptedSpeaker } from '../sessions/scripted-speaker.ts'
import { bulk, CRAFTED, establish, labelOf, PEER_A, PEER_B } from './feed.ts'
import { type LiveCollector, RisClient, StreamClient, startLiveCollector } from './harness.ts'

const ids = (list: Record<string, unknown>[]) => list.map((d) => d.id as string)

describe('resume from memory history', () => {
  let lc: LiveCollector
  let all: RisClient
  let a: ScriptedSpeaker
  let b: ScriptedSpeaker
  const clients: RisClient[] = []
  const streams: StreamClient[] = []

  beforeAll(async () => {
    lc = await startLiveCollector({ live: { resumeBuffer: 5000 } })
    all = await RisClient.connect(lc.ws())
    await all.subscribe({ type: 'UPDATE', socketOptions: { acknowledge: true } })
    a = await establish(lc.bgpPort, PEER_A)
    b = await establish(lc.bgpPort, PEER_B)
  })

  afterAll(async () => {
    for (const c of [all, ...clients]) c?.ws.terminate()
    for (const s of streams) s.close()
    await a?.close()
    await b?.close()
    await lc?.stop()
  })

  it('replays what a client missed after its last id, then goes live, with no gap and no duplicate', async () => {
    const first = await RisClient.connect(lc.ws())
    clients.push(first)
    await first.subscribe({ type: 'UPDATE', socketOptions: { acknowledge: true } })
    a.send(CRAFTED[0]!.message)
    a.send(CRAFTED[1]!.message)
    await first.until(() => first.data('UPDATE').length === 2)
    first.ws.terminate()
    const last = first.data('UPDATE')[1]!.id as string
    // Missed while away.
    for (const c of CRAFTED.slice(2, 5)) a.send(c.message)
    b.send(CRAFTED[5]!.message)
    for (const m of bulk(300, PEER_A.asn, PEER_A.address)) a.send(m)
    await all.until(() => all.data('UPDATE').length === 306)

    const again = await RisClient.connect(lc.ws())
    clients.push(again)
    again.send('ris_subscribe', { type: 'UPDATE', socketOptions: { resumeFrom: last, acknowledge: true } })
    // Live traffic races the replay.
    b.send(CRAFTED[6]!.message)
    for (const m of bulk(300, PEER_A.asn, PEER_A.address, 300)) a.send(m)
    b.send(CRAFTED[7]!.message)
    await all.until(() => all.data('UPDATE').length === 608)
    const want = ids(all.data('UPDATE')).slice(2)
    await again.until(() => again.data('UPDATE').length >= want.length)
    await new Promise((r) => setTimeout(r, 200))
    expect(again.of('ris_error')).toEqual([])
    expect(ids(again.data('UPDATE'))).toEqual(want)
    expect(again.data('UPDATE').slice(0, 3).map(labelOf)).toEqual(['M3', 'M4', 'M5'])
    expect(
      again
        .data('UPDATE')
        .map(labelOf)
        .filter((l) => /^M\d$/.test(l)),
    ).toEqual(['M3', 'M4', 'M5', 'M6', 'M7', 'M8'])
    expect(again.messages[0]).toEqual({
      type: 'ris_subscribe_ok',
      data: {
        subscription: { type: 'UPDATE' },
        socketOptions: { includeRaw: false, acknowledge: true, includeAll: false, resumeFrom: last },
      },
    })
    expect(lc.collector.live!.stats().replayed).toBeGreaterThanOrEqual(304)
  })

  it('replays from a time, filtered by the subscription, on the HTTP stream', async () => {
    const before = all.data('UPDATE').length
    await new Promise((r) => setTimeout(r, 30))
    const from = Date.now() / 1000
    await new Promise((r) => setTimeout(r, 30))
    for (const m of bulk(20, PEER_B.asn, PEER_B.address, 1000)) b.send(m)
    await all.until(() => all.data('UPDATE').length === before + 20)
    const s = new StreamClient(lc.http('/v1/stream/?format=json'), {
      prefix: '100.64.0.0/10',
      socketOptions: { resumeFrom: from },
    })
    streams.push(s)
    await s.until(() => s.data('UPDATE').length >= 20)
    await new Promise((r) => setTimeout(r, 200))
    expect(ids(s.data('UPDATE'))).toEqual(ids(all.data('UPDATE').slice(before)))
  })

  it('says when it cannot resume, and goes on live', async () => {
    const c = await RisClient.connect(lc.ws())
    clients.push(c)
    c.send('ris_subscribe', { type: 'UPDATE', socketOptions: { resumeFrom: '127.0.0.99-00000000000000ff' } })
    await c.until(() => c.of('ris_error').length === 1)
    expect(c.of('ris_error')[0]!.data).toEqual({
      message: expect.stringMatching(
        /^cannot resume from 127\.0\.0\.99-00000000000000ff: not among the last \d+ events kept in memory \(the oldest is 127\.0\.0\.1[12]-[0-9a-f]{16}\)$/,
      ),
    })
    a.send(bulk(1, PEER_A.asn, PEER_A.address, 2000)[0]!)
    await c.until(() => c.data('UPDATE').length === 1)
    expect(c.data('UPDATE')[0]!.announcements).toEqual([
      { next_hop: '127.0.0.11', prefixes: ['100.71.208.0/24'] },
    ])
  })

  it('refuses resumeFrom on a socket that already got messages', async () => {
    const c = await RisClient.connect(lc.ws())
    clients.push(c)
    c.send('ris_subscribe', { type: 'UPDATE' })
    a.send(bulk(1, PEER_A.asn, PEER_A.address, 2001)[0]!)
    await c.until(() => c.data('UPDATE').length === 1)
    c.send('ris_subscribe', { peer: PEER_B.address, socketOptions: { resumeFrom: 1 } })
    await c.until(() => c.of('ris_error').length === 1)
    expect(c.of('ris_error')[0]!.data).toEqual({
      message:
        'resumeFrom must come before any message was sent on the socket: give it on the first ris_subscribe',
    })
  })
})

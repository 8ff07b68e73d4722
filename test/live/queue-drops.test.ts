// The queue in front of the fan-out is full (a small live-queue, a burst from
// a real BGP session): the messages it drops reach no client. Every socket
// with a subscription must learn it — a ris_error with the count, the first
// id lost and where to resume, then close 4003 (the HTTP stream: the line, then
// the end) — and reconnecting with that resumeFrom must give exactly what the
// socket missed: no gap, no duplicate. The drops are in /metrics.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ScriptedSpeaker } from '../sessions/scripted-speaker.ts'
import { bulk, establish, PEER_A } from './feed.ts'
import { eventually, type LiveCollector, RisClient, StreamClient, startLiveCollector } from './harness.ts'

const N = 6000
const QUEUE = 64

/** The /24 of the i-th bulk UPDATE (feed.ts bulk()). */
function prefixOf(i: number): string {
  return `100.${64 + ((i >> 8) & 63)}.${i & 255}.0/24`
}

function prefixes(list: Record<string, unknown>[]): string[] {
  return list.map((d) => (d.announcements as { prefixes: string[] }[])[0]!.prefixes[0]!)
}

describe('live feed: messages dropped by a full queue', () => {
  let lc: LiveCollector
  let ws: RisClient
  let narrow: RisClient
  let stream: StreamClient
  let resumed: RisClient
  let peer: ScriptedSpeaker

  beforeAll(async () => {
    lc = await startLiveCollector({ live: { queue: QUEUE, resumeBuffer: 100_000 } })
    ws = await RisClient.connect(lc.ws())
    await ws.subscribe({ type: 'UPDATE', socketOptions: { acknowledge: true } })
    // Matches nothing the peer sends: it is told too (the drop is not matched per socket).
    narrow = await RisClient.connect(lc.ws())
    await narrow.subscribe({ prefix: '203.0.113.0/24', socketOptions: { acknowledge: true } })
    stream = new StreamClient(lc.http('/v1/stream/?format=json'), { type: 'UPDATE' })
    await eventually(() => lc.collector.live!.stats().subscriptions === 3, 5000, 'the subscriptions')
    peer = await establish(lc.bgpPort, PEER_A)
    for (const m of bulk(N, PEER_A.asn, PEER_A.address)) peer.send(m)
    await Promise.all([ws.closed, narrow.closed, stream.ended])
    // The burst is over (the collector has every UPDATE) before resuming.
    await eventually(
      () => lc.collector.sessions.peer(PEER_A.address)?.view().counters.messagesReceived.UPDATE === N,
      60_000,
      'the burst',
    )
    await lc.collector.live!.drainedQueue()
    const error = ws.of('ris_error')[0]!.data as { resumeFrom: string }
    resumed = await RisClient.connect(lc.ws())
    await resumed.subscribe({
      type: 'UPDATE',
      socketOptions: { acknowledge: true, resumeFrom: error.resumeFrom },
    })
    await resumed.until(() => ws.data('UPDATE').length + resumed.data('UPDATE').length >= N, 60_000)
    await new Promise((r) => setTimeout(r, 300))
  }, 120_000)

  afterAll(async () => {
    for (const c of [ws, narrow, resumed]) c?.ws.terminate()
    stream?.close()
    await peer?.close()
    await lc?.stop()
  })

  it('every subscribed socket gets a ris_error saying what was dropped and where to resume, then close 4003', async () => {
    const dropped = lc.collector.live!.stats().queue.dropped
    expect(dropped).toBeGreaterThan(0)
    const got = ws.data('UPDATE')
    expect(got.length).toBeGreaterThan(0)
    expect(got.length).toBeLessThan(N)
    const last = got.at(-1)!.id as string
    const notice = (resumeFrom: string | number) => ({
      type: 'ris_error',
      data: {
        message: expect.stringMatching(
          new RegExp(
            `^messages dropped: the queue in front of the live feed \\(${QUEUE} events\\) was full, and \\d+ messages from ${PEER_A.address.replaceAll('.', '\\.')}-[0-9a-f]{16} \\(.+\\) on were sent to no client .*; reconnect with socketOptions\\.resumeFrom ${JSON.stringify(resumeFrom).replaceAll('.', '\\.')} to get what this socket missed; closing the connection$`,
          ),
        ),
        dropped: expect.any(Number),
        first_id: expect.stringMatching(/^127\.0\.0\.11-[0-9a-f]{16}$/),
        resumeFrom,
      },
    })
    expect(ws.messages.at(-1)).toEqual(notice(last))
    expect(await ws.closed).toEqual({ code: 4003, reason: 'messages dropped' })
    const n = narrow.of('ris_error')[0]!.data as { resumeFrom: number; first_id: string }
    expect(narrow.messages.filter((m) => m.type !== 'ris_subscribe_ok')).toEqual([notice(n.resumeFrom)])
    expect(typeof n.resumeFrom).toBe('number')
    expect(await narrow.closed).toEqual({ code: 4003, reason: 'messages dropped' })
    // The first id lost is the one after the last the socket got (one peer: sequences in a row).
    const w = ws.of('ris_error')[0]!.data as { first_id: string; dropped: number }
    expect(Number.parseInt(w.first_id.slice(-16), 16)).toBe(Number.parseInt(last.slice(-16), 16) + 1)
    expect(w.first_id).toBe(n.first_id)
    expect(w.dropped).toBeLessThanOrEqual(dropped)
  })

  it('the HTTP stream gets the same line, then the response ends', () => {
    expect(stream.lines.at(-1)).toEqual(ws.messages.at(-1))
    expect(stream.data('UPDATE')).toEqual(ws.data('UPDATE'))
  })

  it('resuming from the position given brings exactly what the socket missed', () => {
    const all = [...prefixes(ws.data('UPDATE')), ...prefixes(resumed.data('UPDATE'))]
    expect(all).toEqual(Array.from({ length: N }, (_, i) => prefixOf(i)))
    expect(resumed.of('ris_error')).toEqual([])
  })

  it('counts the drops and the sockets closed in /metrics', async () => {
    const st = lc.collector.live!.stats()
    const text = await (await fetch(lc.http('/metrics'))).text()
    expect(text).toContain(`\nroutelake_live_dropped_messages_total ${st.queue.dropped}\n`)
    expect(text).toContain('\nroutelake_live_drop_disconnects_total 3\n')
    expect(text).toContain('\nroutelake_live_clients{transport="websocket"} 1\n')
    expect(st.dropClosures).toBe(3)
  })
})

// RIS_PEER_STATE (docs/live.md): every socket gets RIS Live's two states —
// `connected` when a session reaches Established, `down` when it leaves it —
// and an includeAll socket gets every FSM step of the session (RFC 4271
// §8.2.2), each with `fsm_from`, `fsm_to` and `reason`, its `state` saying
// whether the session is Established after the step.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ScriptedSpeaker } from '../sessions/scripted-speaker.ts'
import { establish, PEER_A } from './feed.ts'
import { type LiveCollector, RisClient, StreamClient, startLiveCollector } from './harness.ts'

describe('RIS_PEER_STATE', () => {
  let lc: LiveCollector
  let plain: RisClient
  let all: RisClient
  let stream: StreamClient
  let speaker: ScriptedSpeaker

  const steps = (list: Record<string, unknown>[]) =>
    list.map((d) => [d.peer, d.fsm_from, d.fsm_to, d.state] as const)

  beforeAll(async () => {
    lc = await startLiveCollector()
    plain = await RisClient.connect(lc.ws())
    await plain.subscribe({ type: 'RIS_PEER_STATE', socketOptions: { acknowledge: true } })
    all = await RisClient.connect(lc.ws())
    await all.subscribe({ type: 'RIS_PEER_STATE', socketOptions: { includeAll: true, acknowledge: true } })
    stream = new StreamClient(lc.http('/v1/stream/'), { type: 'ris_peer_state' })
    await all.until(() => lc.collector.live!.stats().subscriptions === 3)
    speaker = await establish(lc.bgpPort, PEER_A)
    await plain.until(() => plain.data().length === 1)
    // The peer goes away without a word: the session falls back to waiting for it.
    await speaker.close()
    await all.until(() => all.data().some((d) => d.fsm_from === 'Established'))
    await all.until(() => all.data().at(-1)!.fsm_to === 'Active')
    await stream.until(() => stream.data().length === 2)
    await new Promise((r) => setTimeout(r, 200))
  })

  afterAll(async () => {
    plain?.ws.terminate()
    all?.ws.terminate()
    stream?.close()
    await speaker?.close()
    await lc?.stop()
  })

  it('every socket gets connected, then down, as RIS Live writes them', () => {
    const strip = (d: Record<string, unknown>) => {
      const { timestamp: _t, id: _i, ...rest } = d
      return rest
    }
    const want = ['connected', 'down'].map((state) => ({
      peer: PEER_A.address,
      peer_asn: String(PEER_A.asn),
      host: 'rl-live',
      type: 'RIS_PEER_STATE',
      state,
    }))
    expect(plain.data().map(strip)).toEqual(want)
    expect(stream.data().map(strip)).toEqual(want)
  })

  it('an includeAll socket gets every FSM step of the session, in order', () => {
    expect(steps(all.data())).toEqual([
      // A peer set up by an `accept` range is made when its connection arrives.
      [PEER_A.address, 'Idle', 'Active', 'down'],
      // Its OPEN came while the collector delayed its own (RFC 4271 §8.2.2, DelayOpen in Active).
      [PEER_A.address, 'Active', 'OpenConfirm', 'down'],
      [PEER_A.address, 'OpenConfirm', 'Established', 'connected'],
      [PEER_A.address, 'Established', 'Idle', 'down'],
      [PEER_A.address, 'Idle', 'Active', 'down'],
    ])
    expect(all.data().every((d) => typeof d.reason === 'string')).toBe(true)
  })

  it('the steps the session logged are the steps sent', () => {
    const logged = lc.logs
      .filter((l) => l.includes(' session ') && l.includes(PEER_A.address))
      .map((l) => /from=(\w+) to=(\w+)/.exec(l)!.slice(1, 3))
    const sent = all.data().map((d) => [d.fsm_from, d.fsm_to])
    expect(logged.slice(-sent.length)).toEqual(sent)
  })
})

// The batch format between the collector and its writer child: every field
// of every event survives the trip, and damaged batches are typed errors.

import { describe, expect, it } from 'vitest'
import {
  ADD_PATH_ALL_CONTEXT,
  codecContext,
  DEFAULT_CONTEXT,
  encodeMessage,
  familyByName,
  type KeepaliveMessage,
} from '../../collector/src/bgp/index.ts'
import type { PeerStateEvent, UpdateEvent } from '../../collector/src/events/index.ts'
import {
  addPathKeys,
  BatchFormatError,
  type BatchRecord,
  BatchWriter,
  batchCount,
  readBatch,
} from '../../collector/src/storage/batch.ts'

const KEEPALIVE: KeepaliveMessage = { type: 'KEEPALIVE' }
const v4 = familyByName('ipv4-unicast')!
const v6 = familyByName('ipv6-unicast')!
const flowspec = familyByName('ipv4-flowspec')!

function message(over: Partial<UpdateEvent> = {}): UpdateEvent {
  const raw = encodeMessage(KEEPALIVE, DEFAULT_CONTEXT)
  return {
    type: 'message',
    host: 'rl00',
    peerAddress: '192.0.2.1',
    peerAsn: 64500,
    localAsn: 65000,
    timestamp: 1_700_000_000_123_456,
    sequence: 7,
    direction: 'received',
    raw,
    message: KEEPALIVE,
    context: DEFAULT_CONTEXT,
    problems: [],
    ...over,
  }
}

describe('batch', () => {
  it('carries messages and state changes with every field their rows need', () => {
    const w = new BatchWriter(64)
    const addPath = codecContext({ asn4: false, addPath: new Set([v6, v4]), extendedMessage: true })
    const events: (UpdateEvent | PeerStateEvent)[] = [
      message(),
      message({
        host: 'collecteur-é',
        peerAddress: '2001:db8::1',
        peerAsn: 4_200_000_000,
        localAsn: 4_294_967_295,
        sequence: 2 ** 40,
        direction: 'sent',
        synthetic: true,
        context: addPath,
        disabledFamilies: [v6, flowspec],
      }),
      {
        type: 'state',
        host: 'rl00',
        peerAddress: '192.0.2.1',
        peerAsn: 64500,
        localAsn: 65000,
        timestamp: 1_700_000_001_000_000,
        sequence: 8,
        from: 'Established',
        to: 'Idle',
        risState: 'down',
        reason: 'hold timer expired ✗',
      },
      {
        type: 'state',
        host: 'rl00',
        peerAddress: '192.0.2.1',
        peerAsn: 64500,
        localAsn: 65000,
        timestamp: 1_700_000_002_000_000,
        sequence: 9,
        from: 'Idle',
        to: 'Connect',
      },
    ]
    for (const e of events) e.type === 'message' ? w.addMessage(e) : w.addState(e)
    expect(w.count).toBe(4)
    const batch = w.take()
    expect(w.count).toBe(0)
    expect(batchCount(batch)).toBe(4)
    const records = [...readBatch(batch)].map((r) => {
      const plain = { ...r, peerAddressBytes: [...r.peerAddressBytes] }
      return r.kind === 'message'
        ? { ...plain, raw: [...r.raw], context: { ...r.context, addPath: r.addPath } }
        : plain
    })
    const raw = [...encodeMessage(KEEPALIVE, DEFAULT_CONTEXT)]
    expect(records).toEqual([
      {
        kind: 'message',
        host: 'rl00',
        peerAddress: '192.0.2.1',
        peerAddressBytes: [192, 0, 2, 1],
        peerAsn: 64500,
        localAsn: 65000,
        timestamp: 1_700_000_000_123_456,
        sequence: 7,
        direction: 'received',
        synthetic: false,
        context: { asn4: true, addPath: [], extendedMessage: false },
        addPath: [],
        disabled: [],
        raw,
      },
      {
        kind: 'message',
        host: 'collecteur-é',
        peerAddress: '2001:db8::1',
        peerAddressBytes: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        peerAsn: 4_200_000_000,
        localAsn: 4_294_967_295,
        timestamp: 1_700_000_000_123_456,
        sequence: 2 ** 40,
        direction: 'sent',
        synthetic: true,
        context: { asn4: false, addPath: [v4, v6], extendedMessage: true },
        addPath: [v4, v6],
        disabled: [flowspec, v6],
        raw,
      },
      {
        kind: 'state',
        host: 'rl00',
        peerAddress: '192.0.2.1',
        peerAddressBytes: [192, 0, 2, 1],
        peerAsn: 64500,
        localAsn: 65000,
        timestamp: 1_700_000_001_000_000,
        sequence: 8,
        from: 'Established',
        to: 'Idle',
        risState: 'down',
        reason: 'hold timer expired ✗',
      },
      {
        kind: 'state',
        host: 'rl00',
        peerAddress: '192.0.2.1',
        peerAddressBytes: [192, 0, 2, 1],
        peerAsn: 64500,
        localAsn: 65000,
        timestamp: 1_700_000_002_000_000,
        sequence: 9,
        from: 'Idle',
        to: 'Connect',
      },
    ] satisfies unknown[])
    // The context read back answers like the session's did.
    const second = [...readBatch(batch)][1] as Extract<BatchRecord, { kind: 'message' }>
    expect([
      second.context.addPath.has(v4),
      second.context.addPath.has(v6),
      second.context.addPath.has(v4 + 1),
    ]).toEqual([true, true, false])
  })

  it('reads a message record without the disabled-family list (batches spooled before it) as none disabled', () => {
    const w = new BatchWriter()
    w.addMessage(message())
    const batch = w.take()
    // The same record as the format had it before: the flag clear and no list, which is what
    // a message without disabled families still is, octet for octet.
    expect(batch[9]! & 16).toBe(0)
    const [r] = [...readBatch(batch)]
    expect(r?.kind === 'message' ? [r.addPath, r.disabled] : undefined).toEqual([[], []])
  })

  it('lists the families of any family set, ADD-PATH for all included', () => {
    expect(addPathKeys(new Set([v6, v4]))).toEqual([v4, v6])
    expect(addPathKeys(DEFAULT_CONTEXT.addPath)).toEqual([])
    const all = addPathKeys(ADD_PATH_ALL_CONTEXT.addPath)
    expect(all.includes(v4) && all.includes(v6) && all.includes(familyByName('l2vpn-evpn')!)).toBe(true)
  })

  it('refuses what is not a whole batch with a typed error', () => {
    const w = new BatchWriter()
    w.addMessage(message())
    const batch = w.take()
    expect(() => [...readBatch(batch.subarray(0, batch.length - 1))]).toThrow(BatchFormatError)
    expect(() => [...readBatch(new Uint8Array([1, 2, 3, 4, 0, 0, 0, 0]))]).toThrow(BatchFormatError)
    const extra = new Uint8Array(batch.length + 1)
    extra.set(batch)
    expect(() => [...readBatch(extra)]).toThrow(/1 octets after the last record/)
    const badKind = batch.slice()
    badKind[8] = 9
    expect(() => [...readBatch(badKind)]).toThrow(/unknown kind 9/)
  })
})

// The shared frames: whatever the variant and however they are assembled,
// they must be exactly the data risData describes, key order included, and
// the WebSocket frames must decode (and inflate) back to them.

import { constants, inflateRawSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import {
  type BgpMessage,
  DEFAULT_CONTEXT,
  decodeMessage,
  encodeMessage,
  type UpdateMessage,
  updateRoutes,
} from '../../bgp/index.ts'
import type { BusEvent, UpdateEvent } from '../../events/index.ts'
import { Outgoing, VARIANT_ALL, VARIANT_LINE, VARIANT_RAW } from './outgoing.ts'
import { risData } from './ris-message.ts'

function event(m: BgpMessage, direction: 'received' | 'sent' = 'received'): UpdateEvent {
  const raw = encodeMessage(m, DEFAULT_CONTEXT)
  const d = decodeMessage(raw, DEFAULT_CONTEXT)
  return {
    type: 'message',
    host: 'rl00',
    peerAddress: '2001:db8::7',
    peerAsn: 64500,
    localAsn: 65000,
    timestamp: 1_700_000_000_123_456,
    sequence: 42,
    direction,
    raw,
    message: d.message,
    context: DEFAULT_CONTEXT,
    ...(d.message?.type === 'UPDATE' && direction === 'received'
      ? { routes: updateRoutes(d.message, d.problems, DEFAULT_CONTEXT) }
      : {}),
    problems: d.problems,
  }
}

const UPDATE: UpdateMessage = {
  type: 'UPDATE',
  withdrawn: [{ prefix: '198.51.100.0/24' }] as never,
  attributes: [
    { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
    {
      code: 2,
      flags: 0x40,
      name: 'AS_PATH',
      value: [
        { type: 'AS_SEQUENCE', asns: [64500, 64501] },
        { type: 'AS_SET', asns: [64503, 64502] },
      ],
    },
    { code: 3, flags: 0x40, name: 'NEXT_HOP', value: '192.0.2.1' },
    { code: 5, flags: 0x40, name: 'LOCAL_PREF', value: 100 },
    { code: 8, flags: 0xc0, name: 'COMMUNITIES', value: ['64500:1', 'NO_EXPORT'] },
    { code: 26, flags: 0x80, name: 'AIGP', value: [{ type: 1, metric: 2n ** 40n }] },
    { code: 32, flags: 0xc0, name: 'LARGE_COMMUNITY', value: ['64500:1:2'] },
  ],
  nlri: Array.from({ length: 80 }, (_, i) => ({ prefix: `10.${i}.0.0/16` })) as never,
}

const EVENTS: [string, BusEvent][] = [
  ['an UPDATE with a 64-bit AIGP, long enough to compress', event(UPDATE)],
  [
    'a withdrawal',
    event({ type: 'UPDATE', withdrawn: [{ prefix: '10.0.0.0/8' }] as never, attributes: [], nlri: [] }),
  ],
  [
    'an OPEN',
    event({
      type: 'OPEN',
      version: 4,
      asn: 64500,
      holdTime: 90,
      bgpId: '192.0.2.1',
      parameters: [{ type: 2, capabilities: [{ code: 65, name: 'FOUR_OCTET_AS', value: { asn: 64500 } }] }],
    }),
  ],
  ['a NOTIFICATION', event({ type: 'NOTIFICATION', code: 6, subcode: 2, data: '03627965' })],
  ['a KEEPALIVE', event({ type: 'KEEPALIVE' })],
  ['a ROUTE-REFRESH', event({ type: 'ROUTE_REFRESH', afi: 1, safi: 1, family: 'ipv4-unicast', subtype: 0 })],
  ['an End-of-RIB we sent', event({ type: 'UPDATE', withdrawn: [], attributes: [], nlri: [] }, 'sent')],
  [
    'a session state change',
    {
      type: 'state',
      host: 'rl00',
      peerAddress: '192.0.2.1',
      peerAsn: 64500,
      localAsn: 65000,
      timestamp: 1_700_000_000_000_000,
      sequence: 3,
      from: 'OpenConfirm',
      to: 'Established',
      risState: 'connected',
      reason: 'KeepAliveMsg',
    },
  ],
]

/** The payload of one unmasked server frame, inflated when RSV1 says so. */
function unframe(f: Buffer): string {
  expect(f[0]! & 0x8f).toBe(0x81)
  let len = f[1]!
  let off = 2
  if (len === 126) {
    len = f.readUInt16BE(2)
    off = 4
  } else if (len === 127) {
    len = Number(f.readBigUInt64BE(2))
    off = 10
  }
  expect(f.length).toBe(off + len)
  const body = f.subarray(off)
  if (!(f[0]! & 0x40)) return body.toString()
  // RFC 7692 §7.2.2: append 00 00 FF FF and inflate what a sync flush ended.
  return inflateRawSync(Buffer.concat([body, Buffer.from([0, 0, 0xff, 0xff])]), {
    finishFlush: constants.Z_SYNC_FLUSH,
  }).toString()
}

describe('Outgoing frames', () => {
  it.each(EVENTS)('%s: every variant is exactly its data, in order', (_name, e) => {
    const o = Outgoing.of(e)!
    for (let v = 0; v < 4; v++) {
      const options = { includeRaw: (v & VARIANT_RAW) !== 0, includeAll: (v & VARIANT_ALL) !== 0 }
      const data = risData(e, options)
      if (!data) {
        expect(o.allOnly && !options.includeAll).toBe(true)
        continue
      }
      const want = JSON.stringify({ type: 'ris_message', data }, (_k, x) =>
        typeof x === 'bigint' ? x.toString() : x,
      )
      expect(o.frame(v).toString()).toBe(want)
      expect(o.frame(v | VARIANT_LINE).toString()).toBe(`${want}\n`)
      expect(unframe(o.wsFrame(v, false))).toBe(want)
      expect(unframe(o.wsFrame(v, true))).toBe(want)
    }
  })

  it('compresses long messages for deflate sockets, once', () => {
    const o = Outgoing.of(EVENTS[0]![1])!
    const f = o.wsFrame(VARIANT_ALL, true)
    expect(f[0]).toBe(0xc1)
    expect(f.length).toBeLessThan(o.frame(VARIANT_ALL).length / 2)
    expect(o.wsFrame(VARIANT_ALL, true)).toBe(f)
    expect(Outgoing.of(EVENTS[4]![1])!.wsFrame(0, true)[0]).toBe(0x81)
  })
})

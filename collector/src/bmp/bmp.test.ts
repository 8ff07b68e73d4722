// The BMP codec: every message type round-trips through the shared helper
// (size = octets written, byte-stable, any offset, inputs untouched), the
// framer cuts a stream split at every offset into the same messages, and
// every truncation or corruption of a message gives a typed error, never a
// throw.

import { describe, expect, it } from 'vitest'
import { type Codec, roundTripBytes, roundTripValue } from '../../test-support/round-trip.ts'
import { DEFAULT_CONTEXT, encodeMessage, type OpenMessage } from '../bgp/index.ts'
import { type Reader, WireError } from '../wire/reader.ts'
import type { Writer } from '../wire/writer.ts'
import {
  BMP_PEER_FLAG,
  BMP_PEER_TYPE,
  BmpError,
  BmpFramer,
  type BmpMessage,
  BmpPeerContexts,
  type BmpPeerHeader,
  bmpMessageSize,
  decodeBmpMessage,
  encodeBmpMessage,
  peerFlags,
  reasonTlv,
  terminationReason,
  textTlv,
  tlvText,
  writeBmpMessage,
} from './index.ts'

const codec: Codec<BmpMessage> = {
  size: bmpMessageSize,
  encode: (w: Writer, m: BmpMessage) => writeBmpMessage(w, m),
  decode(r: Reader) {
    const d = decodeBmpMessage(r.buf, r.pos, r.end)
    if (d.error) throw d.error
    r.pos += d.length
    return d.message!
  },
}

const peer: BmpPeerHeader = {
  peerType: BMP_PEER_TYPE.GLOBAL_INSTANCE,
  flags: 0,
  distinguisher: '0:0',
  address: '192.0.2.1',
  asn: 64500,
  bgpId: '192.0.2.1',
  timestamp: 1_700_000_000,
  microseconds: 123456,
}
const peer6: BmpPeerHeader = {
  ...peer,
  flags: BMP_PEER_FLAG.V | BMP_PEER_FLAG.L | BMP_PEER_FLAG.A,
  address: '2001:db8::1',
  asn: 4_200_000_000,
}
const rdPeer: BmpPeerHeader = { ...peer, peerType: BMP_PEER_TYPE.RD_INSTANCE, distinguisher: '65000:42' }

const openMsg = (asn: number, addPath: boolean): OpenMessage => ({
  type: 'OPEN',
  version: 4,
  asn,
  holdTime: 90,
  bgpId: '192.0.2.1',
  parameters: [
    {
      type: 2,
      capabilities: [
        { code: 1, name: 'MULTIPROTOCOL', value: { afi: 1, safi: 1, family: 'ipv4-unicast' } },
        { code: 65, name: 'FOUR_OCTET_AS', value: { asn } },
        ...(addPath
          ? [
              {
                code: 69,
                name: 'ADD_PATH' as const,
                value: [{ afi: 1, safi: 1, family: 'ipv4-unicast', sendReceive: 'both' as const }],
              },
            ]
          : []),
      ],
    },
  ],
})
const sentOpen = encodeMessage(openMsg(65000, true), DEFAULT_CONTEXT)
const receivedOpen = encodeMessage(openMsg(64500, true), DEFAULT_CONTEXT)
const update = encodeMessage(
  {
    type: 'UPDATE',
    withdrawn: [],
    attributes: [
      { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
      { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns: [64500] }] },
      { code: 3, flags: 0x40, name: 'NEXT_HOP', value: '192.0.2.1' },
    ],
    nlri: [{ prefix: '198.51.100.0/24', pathId: 7 }],
  },
  { ...DEFAULT_CONTEXT, addPath: { has: () => true } },
)
const notification = encodeMessage({ type: 'NOTIFICATION', code: 6, subcode: 2, data: '' }, DEFAULT_CONTEXT)

const MESSAGES: [string, BmpMessage][] = [
  ['Route Monitoring', { type: 'ROUTE_MONITORING', peer, update }],
  [
    'Route Monitoring, IPv6 peer, trailing octets',
    { type: 'ROUTE_MONITORING', peer: peer6, update, trailing: Uint8Array.of(0, 1, 0, 0) },
  ],
  [
    'Statistics Report, every layout',
    {
      type: 'STATISTICS_REPORT',
      peer: rdPeer,
      stats: [
        { type: 0, value: 3n },
        { type: 7, value: 1_000_000_000_000n },
        { type: 9, afi: 2, safi: 1, value: 220_000n },
        { type: 999, raw: Uint8Array.of(1, 2, 3) },
        { type: 1, raw: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1) },
      ],
    },
  ],
  ['Peer Down 1 (local NOTIFICATION)', { type: 'PEER_DOWN', peer, reason: 1, notification }],
  ['Peer Down 2 (FSM event)', { type: 'PEER_DOWN', peer, reason: 2, fsmEvent: 18 }],
  ['Peer Down 3 (remote NOTIFICATION)', { type: 'PEER_DOWN', peer: peer6, reason: 3, notification }],
  ['Peer Down 4', { type: 'PEER_DOWN', peer, reason: 4 }],
  ['Peer Down 5', { type: 'PEER_DOWN', peer, reason: 5 }],
  [
    'Peer Down 6 (RFC 9069 TLVs)',
    {
      type: 'PEER_DOWN',
      peer: { ...peer, peerType: BMP_PEER_TYPE.LOC_RIB_INSTANCE, address: '0.0.0.0', flags: BMP_PEER_FLAG.F },
      reason: 6,
      information: [textTlv(3, 'global')],
    },
  ],
  ['Peer Down, unknown reason with data', { type: 'PEER_DOWN', peer, reason: 77, data: Uint8Array.of(9, 9) }],
  [
    'Peer Up',
    {
      type: 'PEER_UP',
      peer,
      localAddress: '192.0.2.254',
      localPort: 179,
      remotePort: 51000,
      sentOpen,
      receivedOpen,
      information: [textTlv(0, 'transit A')],
    },
  ],
  [
    'Peer Up, IPv6',
    {
      type: 'PEER_UP',
      peer: peer6,
      localAddress: '2001:db8::fe',
      localPort: 179,
      remotePort: 1,
      sentOpen,
      receivedOpen,
      information: [],
    },
  ],
  [
    'Initiation',
    { type: 'INITIATION', information: [textTlv(1, 'Routelake 0.1.0'), textTlv(2, 'rl00'), textTlv(0, 'é')] },
  ],
  ['Termination', { type: 'TERMINATION', information: [textTlv(0, 'bye'), reasonTlv(0)] }],
  [
    'Route Mirroring',
    {
      type: 'ROUTE_MIRRORING',
      peer,
      tlvs: [
        { type: 0, value: update },
        { type: 1, value: Uint8Array.of(0, 1) },
      ],
    },
  ],
  ['a type no RFC defines', { type: 'UNKNOWN', typeCode: 100, data: Uint8Array.of(1, 2, 3, 4) }],
]

describe('BMP messages', () => {
  for (const [name, m] of MESSAGES) {
    it(`round-trips: ${name}`, () => {
      const bytes = roundTripValue(codec, m)
      expect(roundTripBytes(codec, bytes)).toEqual(m)
      expect(bytes[0]).toBe(3)
      expect(((bytes[1]! << 24) | (bytes[2]! << 16) | (bytes[3]! << 8) | bytes[4]!) >>> 0).toBe(bytes.length)
    })
  }

  it('names the flags of each peer type', () => {
    expect(peerFlags(peer6)).toEqual({
      ipv6: true,
      postPolicy: true,
      asn2: true,
      adjRibOut: false,
      filtered: false,
    })
    expect(peerFlags({ peerType: 3, flags: 0x80 })).toEqual({
      ipv6: false,
      postPolicy: false,
      asn2: false,
      adjRibOut: false,
      filtered: true,
    })
  })

  it('reads the texts and the termination reason', () => {
    expect(tlvText(textTlv(2, 'rl00'))).toBe('rl00')
    expect(terminationReason({ type: 'TERMINATION', information: [reasonTlv(4)] })).toBe(4)
  })

  it('keeps an IPv4 address in an IPv6 peer slot as IPv6 text, so the octets come back', () => {
    const m: BmpMessage = { type: 'ROUTE_MONITORING', peer: { ...peer, address: '::ffff:192.0.2.1' }, update }
    const bytes = encodeBmpMessage(m)
    expect(decodeBmpMessage(bytes).message).toEqual(m)
  })
})

describe('BMP streams', () => {
  const stream = new Uint8Array(Buffer.concat(MESSAGES.map(([, m]) => encodeBmpMessage(m))))

  it('frames a stream split at every offset into the same messages', () => {
    const whole: Uint8Array[] = []
    new BmpFramer().push(stream, (m) => whole.push(m.slice()))
    expect(whole.length).toBe(MESSAGES.length)
    for (let cut = 1; cut < stream.length; cut++) {
      const got: Uint8Array[] = []
      const f = new BmpFramer()
      expect(f.push(stream.subarray(0, cut), (m) => got.push(m.slice()))).toBeUndefined()
      expect(f.push(stream.subarray(cut), (m) => got.push(m.slice()))).toBeUndefined()
      expect(got).toEqual(whole)
      expect(f.pending).toBe(0)
    }
  })

  it('reports a bad version as a typed error and stops', () => {
    const bad = stream.slice()
    const second = bmpMessageSize(MESSAGES[0]![1])
    bad[second] = 2
    const got: number[] = []
    const err = new BmpFramer().push(bad, (_, offset) => got.push(offset))
    expect(got).toEqual([0])
    expect(err).toBeInstanceOf(BmpError)
    expect([err!.kind, err!.offset]).toEqual(['BMP.BAD_VERSION', second])
  })

  it('gives typed errors, never a throw, for every truncation and every corrupted length', () => {
    const truncated: string[] = []
    const shortened: string[] = []
    for (const [, m] of MESSAGES) {
      const bytes = encodeBmpMessage(m)
      for (let n = 0; n < bytes.length; n++)
        truncated.push(decodeBmpMessage(bytes.subarray(0, n)).error?.kind ?? 'read')
      // The same octets under a smaller length field: the fields run past the message's end,
      // or (types whose tail is optional) a shorter message is read.
      for (let n = 6; n < bytes.length; n++) {
        const b = bytes.slice(0, n)
        b[1] = n >>> 24
        b[2] = (n >>> 16) & 0xff
        b[3] = (n >>> 8) & 0xff
        b[4] = n & 0xff
        const d = decodeBmpMessage(b)
        shortened.push(d.error?.kind ?? 'read')
      }
    }
    expect(new Set(truncated)).toEqual(new Set(['BMP.TRUNCATED']))
    expect(shortened.filter((k) => !['read', 'BMP.MALFORMED', 'BMP.BAD_LENGTH'].includes(k))).toEqual([])
    expect(shortened.filter((k) => k === 'BMP.MALFORMED').length).toBeGreaterThan(100)
  })

  it('encoding a value that cannot be written is a typed error', () => {
    expect(() =>
      encodeBmpMessage({ type: 'ROUTE_MONITORING', peer: { ...peer, address: 'nowhere' }, update }),
    ).toThrow(BmpError)
    expect(() => encodeBmpMessage({ type: 'PEER_DOWN', peer, reason: 1 })).toThrow(BmpError)
    const w = { buf: new Uint8Array(10), pos: 0, end: 10 }
    expect(() => writeBmpMessage(w, MESSAGES[0]![1])).toThrow(WireError)
  })
})

describe('BMP peer contexts', () => {
  it('take ADD-PATH from the Peer Up OPENs and the AS width from the A flag', () => {
    const ctx = new BmpPeerContexts()
    const up: BmpMessage = {
      type: 'PEER_UP',
      peer,
      localAddress: '192.0.2.254',
      localPort: 179,
      remotePort: 1,
      sentOpen,
      receivedOpen,
      information: [],
    }
    ctx.peerUp(up)
    const c = ctx.routeMonitoringContext(peer)
    expect([c.asn4, c.addPath.has(257), c.addPath.has(513)]).toEqual([true, true, false])
    expect(ctx.routeMonitoringContext({ ...peer, flags: BMP_PEER_FLAG.A }).asn4).toBe(false)
    // The peer sends path ids only where it said send and the router said receive (RFC 7911 §4).
    const noSend = encodeMessage(openMsg(64500, false), DEFAULT_CONTEXT)
    ctx.peerUp({ ...up, receivedOpen: noSend })
    expect(ctx.routeMonitoringContext(peer).addPath.has(257)).toBe(false)
    ctx.peerDown(peer)
    expect(ctx.has(peer)).toBe(false)
  })
})

import { describe, expect, it } from 'vitest'
import { hexOrThrow, toHex } from '../../wire/hex.ts'
import { codecContext } from '../context.ts'
import { decodeMessage, encodeMessage } from '../messages/message.ts'
import type { UpdateMessage } from '../messages/update.ts'
import { updateRoutes } from '../routes.ts'
import { attributeCodec } from './registry.ts'

const CTX = codecContext()
const h8 = (n: number) => n.toString(16).padStart(2, '0')
const h16 = (n: number) => n.toString(16).padStart(4, '0')
const tlv = (type: number, value: string) => `${h16(type)}${h16(value.length / 2)}${value}`
const attr = (flags: number, code: number, value: string) =>
  flags & 0x10
    ? `${h8(flags)}${h8(code)}${h16(value.length / 2)}${value}`
    : `${h8(flags)}${h8(code)}${h8(value.length / 2)}${value}`

/** A whole UPDATE message with no withdrawn routes and these attributes (hex). */
function update(attributes: string): Uint8Array {
  const body = `0000${h16(attributes.length / 2)}${attributes}`
  return hexOrThrow(`${'ff'.repeat(16)}${h16(19 + body.length / 2)}02${body}`)
}

// A Node NLRI (OSPFv2, AS 65001, area 0, router id 10.1.1.1).
const LOCAL = tlv(256, tlv(512, '0000fde9') + tlv(514, '00000000') + tlv(515, '0a010101'))
const NODE = `0001${h16(9 + LOCAL.length / 2)}030000000000000000${LOCAL}`
const NODE_VALUE = {
  nlriType: 1,
  protocolId: 3,
  identifier: 0n,
  localNodeDescriptors: [
    { type: 512, name: 'AUTONOMOUS_SYSTEM', value: 65001 },
    { type: 514, name: 'OSPF_AREA_ID', value: '0.0.0.0' },
    { type: 515, name: 'IGP_ROUTER_ID', value: { routerId: '10.1.1.1' } },
  ],
}
const ORIGIN = attr(0x40, 1, '00')
const AS_PATH = attr(0x40, 2, '')
const MP_REACH = attr(0x90, 14, `40044704c000020100${NODE}`)
const NAME = tlv(1026, Buffer.from('rtr1').toString('hex'))
const FLAGS = tlv(1024, '80')

function decode(b: Uint8Array) {
  const r = decodeMessage(b, CTX)
  return { ...r, update: r.message as UpdateMessage }
}

describe('BGP-LS attribute (type 29)', () => {
  it('is registered as optional non-transitive, attribute-discard on error', () => {
    const c = attributeCodec(29)!
    expect([c.name, c.flags, c.onError, c.errorKind]).toEqual([
      'BGP_LS',
      0x80,
      'attribute-discard',
      'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
    ])
  })

  it('decodes an UPDATE with BGP-LS NLRI and attribute, and encodes it back to the same octets', () => {
    const b = update(ORIGIN + AS_PATH + MP_REACH + attr(0x80, 29, FLAGS + NAME + tlv(1028, '0a010101')))
    const r = decode(b)
    expect(r.problems).toEqual([])
    expect(r.update.attributes[2]).toEqual({
      code: 14,
      flags: 0x90,
      name: 'MP_REACH_NLRI',
      value: { afi: 16388, safi: 71, family: 'bgpls', nextHop: ['192.0.2.1'], nlri: [NODE_VALUE] },
    })
    expect(r.update.attributes[3]).toEqual({
      code: 29,
      flags: 0x80,
      name: 'BGP_LS',
      value: [
        { type: 1024, name: 'NODE_FLAG_BITS', value: ['O'] },
        { type: 1026, name: 'NODE_NAME', value: 'rtr1' },
        { type: 1028, name: 'IPV4_LOCAL_ROUTER_ID', value: '10.1.1.1' },
      ],
    })
    expect(toHex(encodeMessage(r.update, CTX))).toBe(toHex(b))
  })

  it('takes an extended length when the TLVs need it', () => {
    const many = tlv(1097, 'ab'.repeat(300))
    const b = update(ORIGIN + AS_PATH + MP_REACH + attr(0x90, 29, many))
    const r = decode(b)
    expect(r.problems).toEqual([])
    expect(toHex(encodeMessage(r.update, CTX))).toBe(toHex(b))
  })

  it('decodes BGP-LS withdrawals in MP_UNREACH_NLRI (SAFI 72 with its RD)', () => {
    const rd = '0001c00002010007' // 192.0.2.1:7
    const vpnNode = `0001${h16(8 + 9 + LOCAL.length / 2)}${rd}030000000000000000${LOCAL}`
    const b = update(attr(0x80, 15, `400448${vpnNode}`))
    const r = decode(b)
    expect(r.problems).toEqual([])
    expect(r.update.attributes[0]).toEqual({
      code: 15,
      flags: 0x80,
      name: 'MP_UNREACH_NLRI',
      value: {
        afi: 16388,
        safi: 72,
        family: 'bgpls-vpn',
        nlri: [{ ...NODE_VALUE, rd: '192.0.2.1:7', identifier: 0n }],
      },
    })
    expect(toHex(encodeMessage(r.update, CTX))).toBe(toHex(b))
  })

  // RFC 9552 §8.2.2: a malformed TLV inside a BGP-LS attribute whose own length is right.
  const discarded: [string, string][] = [
    ['a recognized TLV of the wrong length', FLAGS + tlv(1095, '00000001') + NAME],
    ['a TLV overrunning the attribute', `${FLAGS}04020009${Buffer.from('rtr1').toString('hex')}`],
    ['a sub-TLV overrunning its TLV', tlv(1034, `8000000064${'0489000900'}`)],
    ['a TLV header cut short', `${FLAGS}0402`],
  ]
  it.each(discarded)('discards the attribute for %s, keeping the NLRI', (_what, tlvs) => {
    const b = update(ORIGIN + AS_PATH + MP_REACH + attr(0x80, 29, tlvs))
    const r = decode(b)
    expect(r.action).toBe('attribute-discard')
    expect(r.problems.map((p) => [p.kind, p.action, p.attribute])).toEqual([
      ['NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', 'attribute-discard', 29],
    ])
    const at = b.length - tlvs.length / 2 - 3
    expect(r.update.attributes[3]).toEqual({
      code: 29,
      flags: 0x80,
      name: 'MALFORMED',
      value: { error: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', hex: toHex(b, at) },
    })
    const routes = updateRoutes(r.update, r.problems, CTX)
    expect(routes.announce).toEqual([
      { family: 'bgpls', afi: 16388, safi: 71, nextHop: ['192.0.2.1'], nlri: [NODE_VALUE] },
    ])
    expect(routes.attributes.other).toEqual([])
    expect(toHex(encodeMessage(r.update, CTX))).toBe(toHex(b))
  })

  it('discards an attribute sent with the transitive flag (RFC 7606 §3(c), its own action)', () => {
    const r = decode(update(ORIGIN + AS_PATH + MP_REACH + attr(0xc0, 29, FLAGS)))
    expect(r.problems.map((p) => [p.kind, p.action, p.attribute])).toEqual([
      ['NOTIFY.UPDATE.ATTRIBUTE_FLAGS_ERROR', 'attribute-discard', 29],
    ])
  })

  // RFC 9552 §8.2.2, length errors in the NLRI: AFI/SAFI disable.
  const disabled: [string, string][] = [
    [
      'a descriptor of the wrong length',
      `0001${h16(9 + 11)}030000000000000000${tlv(256, tlv(512, '00fde9'))}`,
    ],
    ['a total NLRI length beyond the attribute', `0001ffff${NODE.slice(8)}`],
    ['octets after a node NLRI', `0001${h16(10 + LOCAL.length / 2)}030000000000000000${LOCAL}00`],
  ]
  it.each(disabled)('disables the family for %s', (_what, nlri) => {
    const r = decode(update(ORIGIN + AS_PATH + attr(0x90, 14, `40044704c000020100${nlri}`)))
    expect(r.action).toBe('afi-safi-disable')
    expect(r.problems.map((p) => [p.kind, p.action, p.attribute, p.family])).toEqual([
      ['NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', 'afi-safi-disable', 14, 'bgpls'],
    ])
    const routes = updateRoutes(r.update, r.problems, CTX)
    expect([routes.announce, routes.disabled]).toEqual([[], ['bgpls']])
  })
})

// Malformed messages built octet by octet, each with the problems the codec
// must report (kind, RFC 7606 action, offset from the start of the message,
// attribute type code, family) and the strongest action, which decides for
// the whole message. Offsets: header 0..18, Withdrawn Routes Length at 19,
// Total Path Attribute Length at 21 and the first attribute at 23 when no
// routes are withdrawn; MANDATORY (ORIGIN 23, AS_PATH 27, NEXT_HOP 36) ends at 43.

import { describe, expect, it } from 'vitest'
import {
  type CodecContext,
  decodeMessage,
  type ErrorAction,
  type ProblemKind,
  type UpdateMessage,
  updateRoutes,
} from '../../collector/src/bgp/index.ts'
import { ASN2, ASN4, EXTENDED, MP_REACH_IPV6 } from '../../collector/test-support/samples.ts'
import {
  AS_PATH_2,
  AS_PATH_4,
  attr,
  be16,
  be32,
  hx,
  MANDATORY,
  MARKER,
  message,
  NEXT_HOP,
  NLRI_10,
  ORIGIN_IGP,
  update,
} from '../../collector/test-support/wire-builder.ts'

interface Expected {
  readonly kind: ProblemKind
  readonly action: Exclude<ErrorAction, 'none'>
  readonly offset: number
  readonly attribute?: number
  readonly family?: string
}

interface Row {
  readonly rfc: string
  readonly name: string
  readonly bytes: Uint8Array
  readonly ctx?: CodecContext
  readonly problems: readonly Expected[]
  readonly action: ErrorAction
  /** No message can be built from the octets. */
  readonly noMessage?: true
  /** IPv4 prefixes updateRoutes must list as withdrawn (NLRI still extracted under treat-as-withdraw). */
  readonly withdrawn?: readonly string[]
}

const MANDATORY_2 = [...ORIGIN_IGP, ...AS_PATH_2, ...NEXT_HOP] // 18 octets, for 2-octet AS sessions
const AFTER = 23 + MANDATORY.length // 43: the attribute after MANDATORY
const V6 = hx('20010db8000000000000000000000001')

const twa = (kind: ProblemKind, offset: number, attribute?: number): Expected => ({
  kind,
  action: 'treat-as-withdraw',
  offset,
  ...(attribute !== undefined ? { attribute } : {}),
})
const discard = (kind: ProblemKind, offset: number, attribute: number): Expected => ({
  kind,
  action: 'attribute-discard',
  offset,
  attribute,
})
const reset = (kind: ProblemKind, offset: number, attribute?: number): Expected => ({
  kind,
  action: 'session-reset',
  offset,
  ...(attribute !== undefined ? { attribute } : {}),
})
const disable = (kind: ProblemKind, offset: number, attribute: number, family: string): Expected => ({
  kind,
  action: 'afi-safi-disable',
  offset,
  attribute,
  family,
})

/** An UPDATE with MANDATORY, `extra` after it (at offset 43), and NLRI 10.0.0.0/8. */
const withExtra = (extra: number[], ctx: 'asn4' | 'asn2' = 'asn4') =>
  update({ attributes: [...(ctx === 'asn4' ? MANDATORY : MANDATORY_2), ...extra], nlri: NLRI_10 })

const LENGTH = 'NOTIFY.UPDATE.ATTRIBUTE_LENGTH_ERROR'
const LIST = 'NOTIFY.UPDATE.MALFORMED_ATTRIBUTE_LIST'
const OPTIONAL = 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR'
const AS_PATH_ERR = 'NOTIFY.UPDATE.MALFORMED_AS_PATH'
const FLAGS = 'NOTIFY.UPDATE.ATTRIBUTE_FLAGS_ERROR'
const NETWORK = 'NOTIFY.UPDATE.INVALID_NETWORK_FIELD'
const MISSING = 'NOTIFY.UPDATE.MISSING_WELL_KNOWN_ATTRIBUTE'
const HEADER_LENGTH = 'NOTIFY.HEADER.BAD_MESSAGE_LENGTH'

const UPDATE_ROWS: readonly Row[] = [
  // Lengths that do not add up to the message (RFC 7606 §4).
  {
    rfc: 'RFC 7606 §4',
    name: 'withdrawn routes length overrunning the message',
    bytes: update({ withdrawnLength: 50, attributes: MANDATORY, nlri: NLRI_10 }),
    problems: [reset(LIST, 19)],
    action: 'session-reset',
  },
  {
    rfc: 'RFC 7606 §4',
    name: 'total path attribute length overrunning the message',
    bytes: update({ attributes: MANDATORY, attributesLength: MANDATORY.length + 1 }),
    problems: [reset(LIST, 21)],
    action: 'session-reset',
  },
  {
    rfc: 'RFC 7606 §4',
    name: 'an attribute overrunning the attribute section',
    bytes: withExtra([0x80, 4, 10, ...be32(1)]),
    problems: [twa(LIST, AFTER, 4)],
    action: 'treat-as-withdraw',
    withdrawn: ['10.0.0.0/8'],
  },
  {
    rfc: 'RFC 7606 §4',
    name: 'too few octets left for an attribute header',
    bytes: withExtra([0x80, 4]),
    problems: [twa(LIST, AFTER)],
    action: 'treat-as-withdraw',
    withdrawn: ['10.0.0.0/8'],
  },
  {
    rfc: 'RFC 7606 §4',
    name: 'too few octets left for an extended-length attribute header',
    bytes: withExtra([0x90, 14, 0]),
    problems: [twa(LIST, AFTER)],
    action: 'treat-as-withdraw',
    withdrawn: ['10.0.0.0/8'],
  },
  // Attribute by attribute (RFC 7606 §7).
  {
    rfc: 'RFC 7606 §7.1',
    name: 'ORIGIN of length 2',
    bytes: update({ attributes: [...attr(0x40, 1, [0, 0]), ...AS_PATH_4, ...NEXT_HOP], nlri: NLRI_10 }),
    problems: [twa(LENGTH, 26, 1)],
    action: 'treat-as-withdraw',
    withdrawn: ['10.0.0.0/8'],
  },
  {
    rfc: 'RFC 7606 §7.1',
    name: 'ORIGIN of undefined value 3',
    bytes: update({ attributes: [...attr(0x40, 1, [3]), ...AS_PATH_4, ...NEXT_HOP], nlri: NLRI_10 }),
    problems: [twa('NOTIFY.UPDATE.INVALID_ORIGIN_ATTRIBUTE', 26, 1)],
    action: 'treat-as-withdraw',
    withdrawn: ['10.0.0.0/8'],
  },
  ...(
    [
      ['an undefined segment type', [5, 1, ...be32(1)], 30],
      ['a segment of length zero', [2, 0], 30],
      ['a segment overrunning the attribute', [2, 2, ...be32(1)], 30],
      ['a one-octet underrun after a segment', [2, 1, ...be32(1), 2], 36],
    ] as const
  ).map(
    ([what, value, offset]): Row => ({
      rfc: 'RFC 7606 §7.2',
      name: `AS_PATH with ${what}`,
      bytes: update({
        attributes: [...ORIGIN_IGP, ...attr(0x40, 2, [...value]), ...NEXT_HOP],
        nlri: NLRI_10,
      }),
      problems: [twa(AS_PATH_ERR, offset, 2)],
      action: 'treat-as-withdraw',
      withdrawn: ['10.0.0.0/8'],
    }),
  ),
  {
    rfc: 'RFC 7606 §7.2',
    name: 'AS_PATH of 4-octet ASNs on a 2-octet session',
    ctx: ASN2,
    bytes: update({ attributes: MANDATORY, nlri: NLRI_10 }),
    problems: [twa(AS_PATH_ERR, 34, 2)],
    action: 'treat-as-withdraw',
    withdrawn: ['10.0.0.0/8'],
  },
  {
    rfc: 'RFC 7606 §7.3',
    name: 'NEXT_HOP of length 5',
    bytes: update({
      attributes: [...ORIGIN_IGP, ...AS_PATH_4, ...attr(0x40, 3, [192, 0, 2, 1, 0])],
      nlri: NLRI_10,
    }),
    problems: [twa(LENGTH, 39, 3)],
    action: 'treat-as-withdraw',
    withdrawn: ['10.0.0.0/8'],
  },
  {
    rfc: 'RFC 7606 §7.4',
    name: 'MULTI_EXIT_DISC of length 3',
    bytes: withExtra(attr(0x80, 4, [0, 0, 1])),
    problems: [twa(LENGTH, AFTER + 3, 4)],
    action: 'treat-as-withdraw',
    withdrawn: ['10.0.0.0/8'],
  },
  {
    rfc: 'RFC 7606 §7.5',
    name: 'LOCAL_PREF of length 5',
    bytes: withExtra(attr(0x40, 5, [0, 0, 0, 0, 1])),
    problems: [twa(LENGTH, AFTER + 3, 5)],
    action: 'treat-as-withdraw',
    withdrawn: ['10.0.0.0/8'],
  },
  {
    rfc: 'RFC 7606 §7.6',
    name: 'ATOMIC_AGGREGATE with a value',
    bytes: withExtra(attr(0x40, 6, [1])),
    problems: [discard(LENGTH, AFTER + 3, 6)],
    action: 'attribute-discard',
  },
  {
    rfc: 'RFC 7606 §7.7',
    name: 'AGGREGATOR of 6 octets on a 4-octet AS session',
    bytes: withExtra(attr(0xc0, 7, [...be16(65001), 192, 0, 2, 1])),
    problems: [discard(LENGTH, AFTER + 3, 7)],
    action: 'attribute-discard',
  },
  {
    rfc: 'RFC 7606 §7.7',
    name: 'AGGREGATOR of 8 octets on a 2-octet AS session',
    ctx: ASN2,
    bytes: withExtra(attr(0xc0, 7, [...be32(65001), 192, 0, 2, 1]), 'asn2'),
    problems: [discard(LENGTH, 23 + MANDATORY_2.length + 3, 7)],
    action: 'attribute-discard',
  },
  {
    rfc: 'RFC 7606 §7.8',
    name: 'COMMUNITIES of length 5 (not a multiple of 4)',
    bytes: withExtra(attr(0xc0, 8, [0, 0, 0, 1, 2])),
    problems: [twa(LENGTH, AFTER + 3, 8)],
    action: 'treat-as-withdraw',
    withdrawn: ['10.0.0.0/8'],
  },
  {
    rfc: 'RFC 7606 §7.9',
    name: 'ORIGINATOR_ID of length 3',
    bytes: withExtra(attr(0x80, 9, [10, 0, 0])),
    problems: [twa(LENGTH, AFTER + 3, 9)],
    action: 'treat-as-withdraw',
    withdrawn: ['10.0.0.0/8'],
  },
  {
    rfc: 'RFC 7606 §7.10',
    name: 'CLUSTER_LIST of length 6',
    bytes: withExtra(attr(0x80, 10, [10, 0, 0, 1, 0, 0])),
    problems: [twa(LENGTH, AFTER + 3, 10)],
    action: 'treat-as-withdraw',
    withdrawn: ['10.0.0.0/8'],
  },
  {
    rfc: 'RFC 7606 §7.14',
    name: 'EXTENDED_COMMUNITIES of length 9 (not a multiple of 8)',
    bytes: withExtra(attr(0xc0, 16, new Array(9).fill(0))),
    problems: [twa(LENGTH, AFTER + 3, 16)],
    action: 'treat-as-withdraw',
    withdrawn: ['10.0.0.0/8'],
  },
  {
    rfc: 'RFC 7606 §7.15',
    name: 'IPV6_EXTENDED_COMMUNITIES of length 19',
    bytes: withExtra(attr(0xc0, 25, new Array(19).fill(0))),
    problems: [twa(LENGTH, AFTER + 3, 25)],
    action: 'treat-as-withdraw',
    withdrawn: ['10.0.0.0/8'],
  },
  {
    rfc: 'RFC 8092 §6',
    name: 'LARGE_COMMUNITY of length 13 (not a multiple of 12)',
    bytes: withExtra(attr(0xc0, 32, new Array(13).fill(0))),
    problems: [twa(LENGTH, AFTER + 3, 32)],
    action: 'treat-as-withdraw',
    withdrawn: ['10.0.0.0/8'],
  },
  {
    rfc: 'RFC 9234 §5',
    name: 'OTC of length 5',
    bytes: withExtra(attr(0xc0, 35, [0, 0, 0, 0, 1])),
    problems: [twa(LENGTH, AFTER + 3, 35)],
    action: 'treat-as-withdraw',
    withdrawn: ['10.0.0.0/8'],
  },
  {
    rfc: 'RFC 7311 §3.2',
    name: 'AIGP metric TLV of length 10',
    bytes: withExtra(attr(0x80, 26, [1, 0, 10, 0, 0, 0, 0, 0, 0, 1])),
    problems: [discard(OPTIONAL, AFTER + 3, 26)],
    action: 'attribute-discard',
  },
  {
    rfc: 'RFC 7311 §3.2',
    name: 'AIGP TLV overrunning the attribute',
    bytes: withExtra(attr(0x80, 26, [1, 0, 11, 0, 0])),
    problems: [discard(OPTIONAL, AFTER + 6, 26)],
    action: 'attribute-discard',
  },
  {
    rfc: 'RFC 7311 §3.2',
    name: 'AIGP metric TLV twice',
    bytes: withExtra(attr(0x80, 26, [1, 0, 11, ...be32(0), ...be32(1), 1, 0, 11, ...be32(0), ...be32(2)])),
    problems: [discard(OPTIONAL, AFTER + 3 + 11, 26)],
    action: 'attribute-discard',
  },
  {
    rfc: 'RFC 6793 §6',
    name: 'AS4_PATH with an undefined segment type',
    bytes: withExtra(attr(0xc0, 17, [9, 1, ...be32(1)])),
    problems: [discard(AS_PATH_ERR, AFTER + 3, 17)],
    action: 'attribute-discard',
  },
  {
    rfc: 'RFC 6793 §6',
    name: 'AS4_AGGREGATOR of 6 octets',
    bytes: withExtra(attr(0xc0, 18, [0, 1, 192, 0, 2, 1])),
    problems: [discard(LENGTH, AFTER + 3, 18)],
    action: 'attribute-discard',
  },
  // Flags (RFC 7606 §3(c)).
  {
    rfc: 'RFC 7606 §3(c)',
    name: 'well-known ORIGIN with the Optional bit',
    bytes: update({ attributes: [...attr(0xc0, 1, [0]), ...AS_PATH_4, ...NEXT_HOP], nlri: NLRI_10 }),
    problems: [twa(FLAGS, 23, 1)],
    action: 'treat-as-withdraw',
    withdrawn: ['10.0.0.0/8'],
  },
  {
    rfc: 'RFC 7606 §3(c), RFC 4271 §4.3',
    name: 'well-known ORIGIN with the Partial bit',
    bytes: update({ attributes: [...attr(0x60, 1, [0]), ...AS_PATH_4, ...NEXT_HOP], nlri: NLRI_10 }),
    problems: [twa(FLAGS, 23, 1)],
    action: 'treat-as-withdraw',
    withdrawn: ['10.0.0.0/8'],
  },
  {
    rfc: 'RFC 7606 §3(c)',
    name: 'optional non-transitive MULTI_EXIT_DISC with the Transitive bit',
    bytes: withExtra(attr(0xc0, 4, be32(1))),
    problems: [twa(FLAGS, AFTER, 4)],
    action: 'treat-as-withdraw',
    withdrawn: ['10.0.0.0/8'],
  },
  {
    rfc: 'RFC 7606 §3(c), §7.7',
    name: 'AGGREGATOR sent as well-known: attribute-discard, as for its length errors',
    bytes: withExtra(attr(0x40, 7, [...be32(65001), 192, 0, 2, 1])),
    problems: [discard(FLAGS, AFTER, 7)],
    action: 'attribute-discard',
  },
  {
    rfc: 'RFC 4271 §4.3',
    name: 'optional transitive COMMUNITIES with the Partial bit is fine',
    bytes: withExtra(attr(0xe0, 8, be32(1))),
    problems: [],
    action: 'none',
  },
  // Repeats (RFC 7606 §3(g)).
  {
    rfc: 'RFC 7606 §3(g)',
    name: 'MULTI_EXIT_DISC twice: the second discarded',
    bytes: withExtra([...attr(0x80, 4, be32(1)), ...attr(0x80, 4, be32(2))]),
    problems: [discard(LIST, AFTER + 7, 4)],
    action: 'attribute-discard',
  },
  {
    rfc: 'RFC 7606 §3(g)',
    name: 'MP_REACH_NLRI twice',
    bytes: update({ attributes: [...MP_REACH_IPV6, ...MP_REACH_IPV6, ...ORIGIN_IGP, ...AS_PATH_4] }),
    problems: [reset(LIST, 23 + MP_REACH_IPV6.length, 14)],
    action: 'session-reset',
  },
  {
    rfc: 'RFC 7606 §3(g)',
    name: 'MP_UNREACH_NLRI twice',
    bytes: update({ attributes: [...attr(0x80, 15, [0, 2, 1]), ...attr(0x80, 15, [0, 2, 1])] }),
    problems: [reset(LIST, 29, 15)],
    action: 'session-reset',
  },
  // Unrecognized attributes (RFC 4271 §6.3, §5).
  {
    rfc: 'RFC 4271 §6.3',
    name: 'an unrecognized well-known attribute',
    bytes: withExtra(attr(0x40, 99, [1])),
    problems: [reset('NOTIFY.UPDATE.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE', AFTER, 99)],
    action: 'session-reset',
  },
  {
    rfc: 'RFC 4271 §5',
    name: 'an unknown optional attribute is no problem',
    bytes: withExtra(attr(0xc0, 99, [1])),
    problems: [],
    action: 'none',
  },
  // Missing mandatory attributes (RFC 7606 §3(d)).
  ...(
    [
      ['ORIGIN', [...AS_PATH_4, ...NEXT_HOP]],
      ['AS_PATH', [...ORIGIN_IGP, ...NEXT_HOP]],
      ['NEXT_HOP', [...ORIGIN_IGP, ...AS_PATH_4]],
    ] as const
  ).map(
    ([what, attributes]): Row => ({
      rfc: 'RFC 7606 §3(d)',
      name: `missing ${what} with NLRI`,
      bytes: update({ attributes: [...attributes], nlri: NLRI_10 }),
      problems: [twa(MISSING, 21)],
      action: 'treat-as-withdraw',
      withdrawn: ['10.0.0.0/8'],
    }),
  ),
  {
    rfc: 'RFC 7606 §3(d)',
    name: 'missing ORIGIN with MP_REACH_NLRI routes',
    bytes: update({ attributes: [...MP_REACH_IPV6, ...AS_PATH_4] }),
    problems: [twa(MISSING, 21)],
    action: 'treat-as-withdraw',
  },
  {
    rfc: 'RFC 4760 §3',
    name: 'no NEXT_HOP needed with MP_REACH_NLRI routes only',
    bytes: update({ attributes: [...MP_REACH_IPV6, ...ORIGIN_IGP, ...AS_PATH_4] }),
    problems: [],
    action: 'none',
  },
  {
    rfc: 'RFC 7606 §3(d)',
    name: 'nothing is missing without NLRI',
    bytes: update({ withdrawn: NLRI_10, attributes: AS_PATH_4 }),
    problems: [],
    action: 'none',
    withdrawn: ['10.0.0.0/8'],
  },
  // MP_REACH_NLRI and MP_UNREACH_NLRI (RFC 7606 §7.11, §7.12; RFC 4760 §7).
  {
    rfc: 'RFC 7606 §7.11',
    name: 'MP_REACH_NLRI too short for AFI and SAFI',
    bytes: withExtra(attr(0x80, 14, [0, 2])),
    problems: [reset(OPTIONAL, AFTER + 3, 14)],
    action: 'session-reset',
  },
  {
    rfc: 'RFC 7606 §7.12',
    name: 'MP_UNREACH_NLRI too short for AFI and SAFI',
    bytes: withExtra(attr(0x80, 15, [0])),
    problems: [reset(OPTIONAL, AFTER + 3, 15)],
    action: 'session-reset',
  },
  {
    rfc: 'RFC 7606 §7.11',
    name: 'MP_REACH_NLRI next hop of length 5 for ipv6-unicast',
    bytes: withExtra(attr(0x80, 14, [0, 2, 1, 5, 1, 2, 3, 4, 5, 0, 32, 0x20, 0x01, 0x0d, 0xb8])),
    problems: [disable(OPTIONAL, AFTER + 7, 14, 'ipv6-unicast')],
    action: 'afi-safi-disable',
    withdrawn: [],
  },
  {
    rfc: 'RFC 7606 §7.11',
    name: 'MP_REACH_NLRI next hop of length 16 for ipv4-vpn',
    bytes: withExtra(attr(0x80, 14, [0, 1, 128, 16, ...V6, 0])),
    problems: [disable(OPTIONAL, AFTER + 7, 14, 'ipv4-vpn')],
    action: 'afi-safi-disable',
  },
  {
    rfc: 'RFC 7606 §5.3, §7.11',
    name: 'MP_REACH_NLRI prefix length 129',
    bytes: withExtra(attr(0x80, 14, [0, 2, 1, 16, ...V6, 0, 129, ...new Array(17).fill(0)])),
    problems: [disable(NETWORK, AFTER + 25, 14, 'ipv6-unicast')],
    action: 'afi-safi-disable',
  },
  {
    rfc: 'RFC 7606 §5.3, §7.11',
    name: 'MP_REACH_NLRI prefix truncated',
    bytes: withExtra(attr(0x80, 14, [0, 2, 1, 16, ...V6, 0, 64, 0x20, 0x01])),
    problems: [disable(OPTIONAL, AFTER + 25, 14, 'ipv6-unicast')],
    action: 'afi-safi-disable',
  },
  {
    rfc: 'RFC 7606 §5.3, §7.12',
    name: 'MP_UNREACH_NLRI prefix length 33',
    bytes: withExtra(attr(0x80, 15, [0, 1, 2, 33, 1, 2, 3, 4, 5])),
    problems: [disable(NETWORK, AFTER + 7, 15, 'ipv4-multicast')],
    action: 'afi-safi-disable',
  },
  // The IPv4 fields (RFC 7606 §5.3).
  {
    rfc: 'RFC 7606 §5.3',
    name: 'NLRI prefix length 33',
    bytes: update({ attributes: MANDATORY, nlri: [33, 1, 2, 3, 4, 5] }),
    problems: [reset(NETWORK, AFTER + 1)],
    action: 'session-reset',
  },
  {
    rfc: 'RFC 7606 §5.3',
    name: 'NLRI prefix truncated',
    bytes: update({ attributes: MANDATORY, nlri: [...NLRI_10, 24, 10] }),
    problems: [reset(NETWORK, AFTER + 3)],
    action: 'session-reset',
  },
  {
    rfc: 'RFC 7606 §5.3',
    name: 'withdrawn routes field truncated',
    bytes: update({ withdrawn: [24, 10] }),
    problems: [reset(NETWORK, 22)],
    action: 'session-reset',
  },
  {
    rfc: 'RFC 7606 §5.3',
    name: 'withdrawn routes prefix length 40',
    bytes: update({ withdrawn: [...NLRI_10, 40, 1, 2, 3, 4, 5] }),
    problems: [reset(NETWORK, 24)],
    action: 'session-reset',
  },
  // ATTR_SET (RFC 7606 §7.16).
  {
    rfc: 'RFC 7606 §7.16',
    name: 'ATTR_SET with a bad ORIGIN inside',
    bytes: withExtra(attr(0xc0, 128, [...be32(65001), ...attr(0x40, 1, [7])])),
    problems: [twa('NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', AFTER + 10, 128)],
    action: 'treat-as-withdraw',
    withdrawn: ['10.0.0.0/8'],
  },
  // Several problems: the strongest action decides (RFC 7606 §3).
  {
    rfc: 'RFC 7606 §3',
    name: 'attribute-discard, treat-as-withdraw and afi-safi-disable together',
    bytes: withExtra([...attr(0x40, 6, [1]), ...attr(0x80, 4, [1]), ...attr(0x80, 15, [0, 2, 1, 200])]),
    problems: [
      discard(LENGTH, AFTER + 3, 6),
      twa(LENGTH, AFTER + 7, 4),
      disable(NETWORK, AFTER + 15, 15, 'ipv6-unicast'),
    ],
    action: 'afi-safi-disable',
  },
]

const bigUpdate = (n: number) =>
  update({ attributes: [...MANDATORY, ...attr(0xd0, 8, new Array<number>(n).fill(1))], nlri: NLRI_10 })

const HEADER_ROWS: readonly Row[] = [
  {
    rfc: 'RFC 4271 §6.1',
    name: 'a marker that is not all ones',
    bytes: message(4, [], { marker: MARKER.map((b, i) => (i === 5 ? 0xfe : b)) }),
    problems: [reset('NOTIFY.HEADER.CONNECTION_NOT_SYNCHRONIZED', 5)],
    action: 'session-reset',
    noMessage: true,
  },
  {
    rfc: 'RFC 4271 §6.1',
    name: 'a length below 19',
    bytes: message(4, [], { length: 18 }),
    problems: [reset(HEADER_LENGTH, 16)],
    action: 'session-reset',
    noMessage: true,
  },
  {
    rfc: 'RFC 4271 §6.1',
    name: 'an UPDATE longer than 4096 without extended messages',
    bytes: bigUpdate(4096),
    problems: [reset(HEADER_LENGTH, 16)],
    action: 'session-reset',
    noMessage: true,
  },
  {
    rfc: 'RFC 8654 §4',
    name: 'an UPDATE longer than 4096 with extended messages is fine',
    ctx: EXTENDED,
    bytes: bigUpdate(4096),
    problems: [],
    action: 'none',
  },
  {
    rfc: 'RFC 8654 §4',
    name: 'an OPEN longer than 4096 even with extended messages',
    ctx: EXTENDED,
    bytes: message(1, [4, 0, 1, 0, 90, 1, 2, 3, 4, 0, ...new Array(4087).fill(0)]),
    problems: [reset(HEADER_LENGTH, 16)],
    action: 'session-reset',
    noMessage: true,
  },
  {
    rfc: 'RFC 8654 §4',
    name: 'a KEEPALIVE longer than 4096 even with extended messages',
    ctx: EXTENDED,
    bytes: message(4, new Array(4078).fill(0)),
    problems: [reset(HEADER_LENGTH, 16)],
    action: 'session-reset',
    noMessage: true,
  },
  {
    rfc: 'RFC 4271 §6.1',
    name: 'a length beyond the octets received',
    bytes: message(4, [], { length: 30 }),
    problems: [reset(HEADER_LENGTH, 16)],
    action: 'session-reset',
    noMessage: true,
  },
  {
    rfc: 'RFC 4271 §6.1',
    name: 'an unknown message type (kept as UNKNOWN)',
    bytes: message(7, [1, 2]),
    problems: [reset('NOTIFY.HEADER.BAD_MESSAGE_TYPE', 18)],
    action: 'session-reset',
  },
  {
    rfc: 'RFC 4271 §6.1',
    name: 'a KEEPALIVE with a body',
    bytes: message(4, [0]),
    problems: [reset(HEADER_LENGTH, 16)],
    action: 'session-reset',
    noMessage: true,
  },
  {
    rfc: 'RFC 4271 §6.1',
    name: 'an UPDATE shorter than 23 octets',
    bytes: message(2, [0, 0, 0]),
    problems: [reset(HEADER_LENGTH, 16)],
    action: 'session-reset',
    noMessage: true,
  },
  {
    rfc: 'RFC 4271 §6.1',
    name: 'an OPEN shorter than 29 octets',
    bytes: message(1, [4, 0, 1, 0, 90, 1, 2, 3, 4]),
    problems: [reset(HEADER_LENGTH, 16)],
    action: 'session-reset',
    noMessage: true,
  },
  {
    rfc: 'RFC 4271 §6.1',
    name: 'a NOTIFICATION shorter than 21 octets',
    bytes: message(3, [6]),
    problems: [reset(HEADER_LENGTH, 16)],
    action: 'session-reset',
    noMessage: true,
  },
  {
    rfc: 'RFC 7313 §5',
    name: 'a BoRR with octets after the SAFI',
    bytes: message(5, [0, 1, 1, 1, 0]),
    problems: [reset('NOTIFY.ROUTE_REFRESH.INVALID_MESSAGE_LENGTH', 23)],
    action: 'session-reset',
    noMessage: true,
  },
  {
    rfc: 'RFC 7313 §5',
    name: 'an EoRR with octets after the SAFI',
    bytes: message(5, [0, 2, 2, 1, 0, 0]),
    problems: [reset('NOTIFY.ROUTE_REFRESH.INVALID_MESSAGE_LENGTH', 23)],
    action: 'session-reset',
    noMessage: true,
  },
]

function check(row: Row): void {
  const r = decodeMessage(row.bytes, row.ctx ?? ASN4)
  expect(
    r.problems.map(({ reason: _reason, ...p }) => p),
    `problems of: ${row.name} (${row.rfc})`,
  ).toEqual(row.problems)
  expect(
    r.problems.every((p) => p.reason.length > 0),
    'every problem says why',
  ).toBe(true)
  expect(r.action).toBe(row.action)
  expect(r.message === undefined).toBe(row.noMessage === true)
}

/** The route view: IPv4 NLRI are still extracted, and withdrawn under treat-as-withdraw. */
function checkRoutes(row: Row): void {
  const ctx = row.ctx ?? ASN4
  const r = decodeMessage(row.bytes, ctx)
  const routes = updateRoutes(r.message as UpdateMessage, r.problems, ctx)
  const v4 = routes.withdraw.find((w) => w.family === 'ipv4-unicast')
  expect({
    withdrawn: v4?.nlri.map((n) => (n as { prefix: string }).prefix) ?? [],
    treatedAsWithdraw: routes.treatedAsWithdraw,
    announcedUnderTreatAsWithdraw: row.action === 'treat-as-withdraw' ? routes.announce : [],
  }).toEqual({
    withdrawn: row.withdrawn,
    treatedAsWithdraw: row.action === 'treat-as-withdraw',
    announcedUnderTreatAsWithdraw: [],
  })
}

describe('RFC 7606 malformed UPDATEs', () => {
  it.each(UPDATE_ROWS.map((r) => [`${r.name} (${r.rfc})`, r] as const))('%s', (_n, row) => check(row))
})

describe('RFC 7606 §2 treat-as-withdraw: the NLRI are still extracted', () => {
  const rows = UPDATE_ROWS.filter((r) => r.withdrawn !== undefined)
  it('covers every treat-as-withdraw row with IPv4 NLRI', () => {
    expect(rows.filter((r) => r.action === 'treat-as-withdraw').length).toBeGreaterThan(25)
  })
  it.each(rows.map((r) => [`${r.name} (${r.rfc})`, r] as const))('%s', (_n, row) => checkRoutes(row))
})

describe('RFC 4271 / 8654 / 7313 header and message errors', () => {
  it.each(HEADER_ROWS.map((r) => [`${r.name} (${r.rfc})`, r] as const))('%s', (_n, row) => check(row))
})

describe('what is kept of a malformed UPDATE', () => {
  it('afi-safi-disable lists the family in updateRoutes and keeps the other families', () => {
    const bytes = withExtra(attr(0x80, 14, [0, 2, 1, 5, 1, 2, 3, 4, 5, 0]))
    const r = decodeMessage(bytes, ASN4)
    const routes = updateRoutes(r.message as UpdateMessage, r.problems, ASN4)
    expect(routes.disabled).toEqual(['ipv6-unicast'])
    expect(routes.announce.map((a) => [a.family, a.nlri])).toEqual([
      ['ipv4-unicast', [{ prefix: '10.0.0.0/8' }]],
    ])
  })

  it('a repeated attribute: the first occurrence is the one used', () => {
    const bytes = withExtra([...attr(0x80, 4, be32(1)), ...attr(0x80, 4, be32(2))])
    const r = decodeMessage(bytes, ASN4)
    expect(updateRoutes(r.message as UpdateMessage, r.problems, ASN4).attributes.med).toBe(1)
  })

  it('an unknown optional attribute is kept in the message and in `other`', () => {
    const r = decodeMessage(withExtra(attr(0xc0, 99, [1])), ASN4)
    const u = r.message as UpdateMessage
    expect(u.attributes[3]).toEqual({ code: 99, flags: 0xc0, name: 'UNKNOWN', value: '01' })
    expect(updateRoutes(u, r.problems, ASN4).attributes.other).toEqual([u.attributes[3]])
  })
})

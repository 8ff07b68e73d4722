// Well-formed messages of every type the core codec knows, built octet by
// octet, each with the context it is valid in. The message tests check what
// each decodes to; the fuzzer mutates them.

import { type CodecContext, codecContext } from '../src/bgp/context.ts'
import { ALL_FAMILIES } from '../src/bgp/family.ts'
import {
  attr,
  be16,
  be32,
  capabilityParameter,
  hx,
  MANDATORY,
  message,
  openBody,
  update,
} from './wire-builder.ts'

export const ASN4 = codecContext()
export const ASN2 = codecContext({ asn4: false })
export const ADD_PATH = codecContext({ addPath: ALL_FAMILIES })
export const EXTENDED = codecContext({ extendedMessage: true })

export interface Sample {
  readonly name: string
  readonly ctx: CodecContext
  readonly bytes: Uint8Array
}

const utf8 = (s: string) => [...new TextEncoder().encode(s)]

/** Capability values by name, [code, value octets]. */
export const CAPS = {
  mpIpv4: [1, [0, 1, 0, 1]],
  mpIpv6: [1, [0, 2, 0, 1]],
  mpVpnv4: [1, [0, 1, 0, 128]],
  routeRefresh: [2, []],
  extendedNextHop: [5, [0, 1, 0, 1, 0, 2, 0, 1, 0, 128, 0, 2]],
  extendedMessage: [6, []],
  role: [9, [3]],
  gracefulRestart: [64, [0xc0, 0x78, 0, 1, 1, 0x80, 0, 2, 1, 0]],
  fourOctetAs: [65, be32(4200000000)],
  addPath: [69, [0, 1, 1, 3, 0, 2, 1, 1]],
  enhancedRouteRefresh: [70, []],
  llgr: [71, [0, 1, 1, 0x80, 0, 0x0e, 0x10]],
  fqdn: [73, [4, ...utf8('edge'), 11, ...utf8('example.net')]],
  softwareVersion: [75, [9, ...utf8('FRR/9.1.0')]],
  unknown: [200, [0xab, 0xcd]],
} as const satisfies Record<string, readonly [number, readonly number[]]>

const ALL_CAPS = Object.values(CAPS)

/** IPv6 MP_REACH_NLRI with a global and a link-local next hop and two prefixes. */
export const MP_REACH_IPV6 = attr(0x90, 14, [
  ...[0, 2, 1, 32],
  ...hx('20010db8000000000000000000000001'),
  ...hx('fe800000000000000000000000000001'),
  0,
  ...[32, 0x20, 0x01, 0x0d, 0xb8],
  ...[48, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01],
])

export const SAMPLES: readonly Sample[] = [
  {
    name: 'open one capability per parameter',
    ctx: ASN4,
    bytes: message(
      1,
      openBody(
        [
          ...capabilityParameter(CAPS.mpIpv4),
          ...capabilityParameter(CAPS.mpIpv6),
          ...capabilityParameter(CAPS.routeRefresh),
          ...capabilityParameter(CAPS.fourOctetAs),
        ],
        { asn: 23456 },
      ),
    ),
  },
  {
    name: 'open every capability in one parameter',
    ctx: ASN4,
    bytes: message(1, openBody(capabilityParameter(...ALL_CAPS))),
  },
  {
    name: 'open with a non-capability parameter',
    ctx: ASN4,
    bytes: message(1, openBody([1, 3, 0x01, 0x02, 0x03, ...capabilityParameter(CAPS.mpIpv4)])),
  },
  { name: 'open without parameters', ctx: ASN4, bytes: message(1, openBody([])) },
  {
    name: 'open with RFC 9072 extended optional parameters',
    ctx: ASN4,
    bytes: (() => {
      const caps = ALL_CAPS.flatMap(([code, v]) => [code, v.length, ...v])
      const params = [2, ...be16(caps.length), ...caps, 1, ...be16(2), 0xee, 0xff]
      return message(1, [
        4,
        ...be16(65001),
        ...be16(90),
        10,
        0,
        0,
        1,
        255,
        255,
        ...be16(params.length),
        ...params,
      ])
    })(),
  },
  {
    name: 'update ipv4 withdraw, attributes, nlri',
    ctx: ASN4,
    bytes: update({
      withdrawn: [24, 198, 51, 100, 16, 172, 16],
      attributes: [
        ...MANDATORY,
        ...attr(0x80, 4, be32(10)),
        ...attr(0xc0, 8, [...be32(0xfde80064), ...be32(0xffffff01)]),
      ],
      nlri: [24, 192, 0, 2, 8, 10, 32, 203, 0, 113, 7],
    }),
  },
  { name: 'update ipv4 end-of-rib', ctx: ASN4, bytes: update({}) },
  {
    name: 'update ipv6 end-of-rib',
    ctx: ASN4,
    bytes: update({ attributes: attr(0x80, 15, [0, 2, 1]) }),
  },
  {
    name: 'update ipv6 mp-reach with link-local next hop',
    ctx: ASN4,
    bytes: update({ attributes: [...MP_REACH_IPV6, ...MANDATORY.slice(0, 13)] }),
  },
  {
    name: 'update every core attribute',
    ctx: ASN4,
    bytes: update({
      attributes: [
        ...MANDATORY,
        ...attr(0x80, 4, be32(100)),
        ...attr(0x40, 5, be32(200)),
        ...attr(0x40, 6, []),
        ...attr(0xc0, 7, [...be32(4200000000), 192, 0, 2, 9]),
        ...attr(0xc0, 8, be32(0xffff029a)),
        ...attr(0x80, 9, [10, 0, 0, 1]),
        ...attr(0x80, 10, [10, 0, 0, 2, 10, 0, 0, 3]),
        ...attr(0xc0, 16, [0x00, 0x02, ...be16(65000), ...be32(100), 0x43, 0x00, 0, 0, 0, 0, 0, 2]),
        ...attr(0xc0, 25, [0x00, 0x02, ...hx('20010db8000000000000000000000005'), 0, 7]),
        ...attr(0x80, 26, [1, 0, 11, ...be32(0), ...be32(1000)]),
        ...attr(0xc0, 32, [...be32(4200000000), ...be32(1), ...be32(2)]),
        ...attr(0xc0, 35, be32(65010)),
        ...attr(0xe0, 99, [1, 2, 3]),
        ...attr(0xd0, 128, [...be32(65020), ...attr(0x40, 1, [2]), ...attr(0x40, 2, [2, 1, ...be32(65020)])]),
      ],
      nlri: [24, 192, 0, 2],
    }),
  },
  {
    name: 'update 2-octet session with AS4_PATH and AS4_AGGREGATOR',
    ctx: ASN2,
    bytes: update({
      attributes: [
        ...attr(0x40, 1, [0]),
        ...attr(0x40, 2, [2, 3, ...be16(65001), ...be16(23456), ...be16(23456)]),
        ...attr(0x40, 3, [192, 0, 2, 1]),
        ...attr(0xc0, 7, [...be16(23456), 192, 0, 2, 9]),
        ...attr(0xc0, 17, [2, 2, ...be32(4200000001), ...be32(4200000002)]),
        ...attr(0xc0, 18, [...be32(4200000001), 192, 0, 2, 9]),
      ],
      nlri: [16, 10, 1],
    }),
  },
  {
    name: 'update add-path ipv4 and ipv6',
    ctx: ADD_PATH,
    bytes: update({
      withdrawn: [...be32(7), 24, 198, 51, 100],
      attributes: [
        ...attr(0x90, 14, [
          0,
          2,
          1,
          16,
          ...hx('20010db8000000000000000000000001'),
          0,
          ...be32(1),
          32,
          0x20,
          0x01,
          0x0d,
          0xb8,
        ]),
        ...MANDATORY,
      ],
      nlri: [...be32(1), 24, 192, 0, 2, ...be32(2), 24, 192, 0, 2],
    }),
  },
  {
    name: 'update ipv4-vpn and ipv4-labeled',
    ctx: ASN4,
    bytes: update({
      attributes: [
        ...attr(0x90, 14, [
          ...[0, 1, 128, 12, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 1, 0],
          ...[24 + 64 + 24, 0x00, 0x06, 0x41, 0, 0, ...be16(65000), ...be32(100), 10, 1, 2],
          ...[24 + 64 + 24, 0x00, 0x06, 0x51, 0, 1, 192, 0, 2, 1, ...be16(7), 10, 1, 3],
        ]),
        ...MANDATORY.slice(0, 13),
        ...attr(0x80, 15, [0, 1, 4, 24 + 24, 0x80, 0x00, 0x00, 10, 9, 9]),
      ],
    }),
  },
  {
    name: 'update ipv4-rtc',
    ctx: ASN4,
    bytes: update({
      attributes: [
        ...attr(0x90, 14, [
          0,
          1,
          132,
          4,
          192,
          0,
          2,
          1,
          0,
          0,
          96,
          ...be32(65000),
          0x00,
          0x02,
          ...be16(65000),
          ...be32(1),
        ]),
        ...MANDATORY.slice(0, 13),
      ],
    }),
  },
  {
    name: 'update extended message',
    ctx: EXTENDED,
    bytes: update({
      attributes: [
        ...MANDATORY,
        ...attr(
          0xd0,
          8,
          new Array<number>(5000 * 4).fill(0).map((_, i) => (i % 4 === 3 ? i & 0xff : 0)),
        ),
      ],
      nlri: [24, 192, 0, 2],
    }),
  },
  { name: 'notification', ctx: ASN4, bytes: message(3, [3, 11, 0x40, 0x02, 0x01, 0x07]) },
  {
    name: 'notification shutdown communication',
    ctx: ASN4,
    bytes: message(3, [
      6,
      2,
      utf8('maintenance — back in 5 min ✓').length,
      ...utf8('maintenance — back in 5 min ✓'),
    ]),
  },
  { name: 'notification hard reset', ctx: ASN4, bytes: message(3, [6, 9, 6, 4, 3, ...utf8('bye')]) },
  { name: 'keepalive', ctx: ASN4, bytes: message(4, []) },
  { name: 'route refresh', ctx: ASN4, bytes: message(5, [0, 1, 0, 1]) },
  { name: 'route refresh BoRR', ctx: ASN4, bytes: message(5, [0, 2, 1, 1]) },
  { name: 'route refresh EoRR', ctx: ASN4, bytes: message(5, [0, 1, 2, 128]) },
  {
    name: 'route refresh with ORF',
    ctx: ASN4,
    bytes: message(5, [0, 1, 0, 1, 1, 64, 0, 11, 0x00, ...be32(10), 0, 0, 24, 192, 0, 2]),
  },
]

export function sample(name: string): Sample {
  const s = SAMPLES.find((x) => x.name === name)
  if (!s) throw new Error(`no sample ${name}`)
  return s
}

import { describe, expect, it } from 'vitest'
import { type Codec, roundTripBytes, roundTripValue } from '../../../../test-support/round-trip.ts'
import { hexOrThrow, toHex } from '../../../wire/hex.ts'
import { reader } from '../../../wire/reader.ts'
import { encodeWith } from '../../../wire/writer.ts'
import { CodecError } from '../../errors.ts'
import { decodeNlriList, encodeNlriList, nlriListSize } from '../nlri-list.ts'
import { familyCodec, isDecodedFamily } from '../registry.ts'
import { bgpLsFamily } from './family.ts'
import { decodeTlv, encodeTlv, findTlv, tlvSize } from './tlv.ts'
import { DESCRIPTOR_SCOPE, descriptorScope, registeredDescriptorTlvs } from './tlv-registry.ts'
import type { BgpLsDescriptorTlv, BgpLsNlri, BgpLsTlvScope } from './types.ts'

const h16 = (n: number) => n.toString(16).padStart(4, '0')
/** A TLV's octets as hex: type, length, value. */
const tlv = (type: number, value: string) => `${h16(type)}${h16(value.length / 2)}${value}`
const nlri = (type: number, body: string) => `${h16(type)}${h16(body.length / 2)}${body}`

function tlvCodec(scope: BgpLsTlvScope): Codec<BgpLsDescriptorTlv> {
  return {
    size: (t) => tlvSize(t, scope),
    encode: (w, t) => encodeTlv(w, t, scope),
    decode: (r) => decodeTlv<BgpLsDescriptorTlv>(r, scope),
  }
}

function familyAdapter(safi: 71 | 72): Codec<BgpLsNlri> {
  const f = bgpLsFamily(safi)
  return { size: f.size, encode: f.encode, decode: (r) => f.decode(r, undefined, false) }
}

function thrown(f: () => unknown): unknown {
  try {
    f()
  } catch (e) {
    return e
  }
  return undefined
}

function expectMalformed(f: () => unknown): void {
  const e = thrown(f)
  expect(e).toBeInstanceOf(CodecError)
  expect((e as CodecError).kind).toBe('NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR')
}

const V6 = '20010db8000000000000000000000001'
const V6B = '20010db8000000000000000000000002'

describe('BGP-LS descriptor TLVs', () => {
  const cases: [string, number, string, unknown, BgpLsTlvScope?][] = [
    [
      'local node descriptors',
      256,
      tlv(512, '0000fde9'),
      [{ type: 512, name: 'AUTONOMOUS_SYSTEM', value: 65001 }],
    ],
    [
      'remote node descriptors',
      257,
      tlv(514, '00000001'),
      [{ type: 514, name: 'OSPF_AREA_ID', value: '0.0.0.1' }],
    ],
    ['node descriptors keep unknown sub-TLVs', 256, tlv(600, 'beef'), [{ type: 600, hex: 'beef' }]],
    ['autonomous system', 512, '0000fde9', 65001],
    ['BGP-LS identifier', 513, 'c0a87a7e', 3232266878],
    ['OSPF area', 514, '00000000', '0.0.0.0'],
    ['IGP router id, OSPF', 515, '0a010101', { routerId: '10.1.1.1' }],
    ['IGP router id, IS-IS', 515, '192168252240', { isoSystemId: '1921.6825.2240' }],
    ['IGP router id, IS-IS pseudonode', 515, '19216825224003', { isoSystemId: '1921.6825.2240', psnId: 3 }],
    [
      'IGP router id, OSPFv2 pseudonode',
      515,
      '0a0104010a010102',
      { routerId: '10.1.4.1', drInterfaceAddress: '10.1.1.2' },
    ],
    [
      'IGP router id, OSPFv3 pseudonode',
      515,
      '0a01040100000007',
      { routerId: '10.1.4.1', drInterfaceId: 7 },
      descriptorScope(6),
    ],
    ['IGP router id, IPv6', 515, V6, { routerId: '2001:db8::1' }],
    ['BGP router id', 516, 'c0000201', '192.0.2.1'],
    ['member ASN', 517, '0000fde8', 65000],
    ['link local/remote identifiers', 258, '00000172000001bb', { localId: 370, remoteId: 443 }],
    ['IPv4 interface address', 259, 'c0a8c754', '192.168.199.84'],
    ['IPv4 neighbor address', 260, 'c0a8c755', '192.168.199.85'],
    ['IPv6 interface address', 261, V6, '2001:db8::1'],
    ['IPv6 neighbor address', 262, V6B, '2001:db8::2'],
    ['multi-topology id', 263, '00000002', [0, 2]],
    ['multi-topology id with reserved bits kept', 263, '8002', [0x8002]],
    ['OSPF route type', 264, '03', 3],
    ['IP reachability, IPv4', 265, '18c00002', '192.0.2.0/24', descriptorScope(3, 4)],
    ['IP reachability, host bits kept', 265, '170b0d01', '11.13.1.0/23', descriptorScope(3, 4)],
    ['IP reachability, IPv6', 265, '4020010db800000001', '2001:db8:0:1::/64', descriptorScope(2, 16)],
    ['IP reachability, default route', 265, '00', '0.0.0.0/0', descriptorScope(3, 4)],
    ['SRv6 SID information', 518, 'fc000000000100000000000000000000', 'fc00:0:1::'],
    ['unknown', 999, 'abcd', undefined],
  ]
  it.each(cases)('%s (%i)', (_what, type, value, expected, scope = DESCRIPTOR_SCOPE) => {
    const back = roundTripBytes(tlvCodec(scope), hexOrThrow(tlv(type, value)))
    const codec = DESCRIPTOR_SCOPE.codec(type)
    expect(back).toEqual(codec ? { type, name: codec.name, value: expected } : { type, hex: value })
  })

  it('has one codec per type and per name', () => {
    const list = registeredDescriptorTlvs()
    expect(new Set(list.map((c) => c.code)).size).toBe(list.length)
    expect(new Set(list.map((c) => c.name)).size).toBe(list.length)
    expect(list.map((c) => c.code).sort((a, b) => a - b)).toEqual([
      256, 257, 258, 259, 260, 261, 262, 263, 264, 265, 512, 513, 514, 515, 516, 517, 518,
    ])
  })

  const bad: [string, string, BgpLsTlvScope?][] = [
    ['AS of 3 octets', tlv(512, '00fde9')],
    ['OSPF area of 5 octets', tlv(514, '0000000000')],
    ['IGP router id of 5 octets', tlv(515, '0a01010101')],
    ['link identifiers of 4 octets', tlv(258, '00000172')],
    ['IPv4 interface address of 16 octets', tlv(259, V6)],
    ['IPv6 neighbor address of 4 octets', tlv(262, 'c0a8c755')],
    ['odd multi-topology id', tlv(263, '000002')],
    ['OSPF route type of 2 octets', tlv(264, '0001')],
    ['prefix octets short of the length', tlv(265, '18c000'), descriptorScope(3, 4)],
    ['prefix octets beyond the length', tlv(265, '18c0000200'), descriptorScope(3, 4)],
    ['IPv4 prefix longer than 32', tlv(265, '21c000020100'), descriptorScope(3, 4)],
    ['empty IP reachability', tlv(265, '')],
    ['SRv6 SID of 4 octets', tlv(518, 'fc000000')],
    ['TLV overruns its container', '020000080000fde9'],
    ['TLV header cut short', '020000'],
    ['sub-TLV overruns its node descriptors', tlv(256, '020000080000fde9')],
  ]
  it.each(bad)('%s is malformed', (_what, hex, scope = DESCRIPTOR_SCOPE) => {
    expectMalformed(() => decodeTlv(reader(hexOrThrow(hex)), scope))
  })

  it('refuses to encode values that do not fit', () => {
    const c = tlvCodec(DESCRIPTOR_SCOPE)
    const enc = (t: BgpLsDescriptorTlv) => () => encodeWith(t, c.size, c.encode)
    expectMalformed(enc({ type: 512, name: 'AUTONOMOUS_SYSTEM', value: 2 ** 32 }))
    expectMalformed(enc({ type: 259, name: 'IPV4_INTERFACE_ADDRESS', value: '2001:db8::1' }))
    expectMalformed(enc({ type: 515, name: 'IGP_ROUTER_ID', value: { isoSystemId: '1921.6825' } }))
    expectMalformed(enc({ type: 263, name: 'MULTI_TOPOLOGY_ID', value: [70000] }))
    expectMalformed(
      enc({ type: 512, name: 'OSPF_AREA_ID', value: '0.0.0.0' } as unknown as BgpLsDescriptorTlv),
    )
    expectMalformed(enc({ type: 600, hex: 'xyz0' }))
  })

  it('finds a TLV by name with its value type', () => {
    const list: BgpLsDescriptorTlv[] = [
      { type: 600, hex: '00' },
      { type: 512, name: 'AUTONOMOUS_SYSTEM', value: 1 },
    ]
    expect(findTlv(list, 'AUTONOMOUS_SYSTEM')?.value).toBe(1)
    expect(findTlv(list, 'BGP_ROUTER_ID')).toBeUndefined()
  })
})

// Node descriptors used below: AS 65001, OSPF area 0, router id 10.1.1.1; IS-IS: AS 3352, System-ID.
const LOCAL_OSPF = tlv(256, tlv(512, '0000fde9') + tlv(514, '00000000') + tlv(515, '0a010101'))
const LOCAL_ISIS = tlv(256, tlv(512, '00000d18') + tlv(513, '000000b2') + tlv(515, '192168252240'))
const REMOTE_ISIS = tlv(257, tlv(512, '00000d18') + tlv(515, '192168252162'))
const ID0 = '0000000000000000'
const ID2 = '0000000000000002'

const localOspf: BgpLsDescriptorTlv[] = [
  { type: 512, name: 'AUTONOMOUS_SYSTEM', value: 65001 },
  { type: 514, name: 'OSPF_AREA_ID', value: '0.0.0.0' },
  { type: 515, name: 'IGP_ROUTER_ID', value: { routerId: '10.1.1.1' } },
]
const localIsis: BgpLsDescriptorTlv[] = [
  { type: 512, name: 'AUTONOMOUS_SYSTEM', value: 3352 },
  { type: 513, name: 'BGP_LS_IDENTIFIER', value: 178 },
  { type: 515, name: 'IGP_ROUTER_ID', value: { isoSystemId: '1921.6825.2240' } },
]
const remoteIsis: BgpLsDescriptorTlv[] = [
  { type: 512, name: 'AUTONOMOUS_SYSTEM', value: 3352 },
  { type: 515, name: 'IGP_ROUTER_ID', value: { isoSystemId: '1921.6825.2162' } },
]

const NLRI_CASES: [string, string, BgpLsNlri][] = [
  [
    'node',
    nlri(1, `03${ID0}${LOCAL_OSPF}`),
    { nlriType: 1, protocolId: 3, identifier: 0n, localNodeDescriptors: localOspf },
  ],
  [
    'link',
    nlri(
      2,
      `02${ID2}${LOCAL_ISIS}${REMOTE_ISIS}${tlv(258, '00000172000001bb')}${tlv(259, 'c0a8c754')}${tlv(260, 'c0a8c755')}${tlv(263, '0002')}`,
    ),
    {
      nlriType: 2,
      protocolId: 2,
      identifier: 2n,
      localNodeDescriptors: localIsis,
      remoteNodeDescriptors: remoteIsis,
      linkDescriptors: [
        { type: 258, name: 'LINK_LOCAL_REMOTE_IDENTIFIERS', value: { localId: 370, remoteId: 443 } },
        { type: 259, name: 'IPV4_INTERFACE_ADDRESS', value: '192.168.199.84' },
        { type: 260, name: 'IPV4_NEIGHBOR_ADDRESS', value: '192.168.199.85' },
        { type: 263, name: 'MULTI_TOPOLOGY_ID', value: [2] },
      ],
    },
  ],
  [
    'link, IPv6 addresses, no link descriptors order imposed',
    nlri(2, `02${ID0}${LOCAL_ISIS}${REMOTE_ISIS}${tlv(262, V6B)}${tlv(261, V6)}`),
    {
      nlriType: 2,
      protocolId: 2,
      identifier: 0n,
      localNodeDescriptors: localIsis,
      remoteNodeDescriptors: remoteIsis,
      linkDescriptors: [
        { type: 262, name: 'IPV6_NEIGHBOR_ADDRESS', value: '2001:db8::2' },
        { type: 261, name: 'IPV6_INTERFACE_ADDRESS', value: '2001:db8::1' },
      ],
    },
  ],
  [
    'IPv4 topology prefix',
    nlri(3, `03${ID0}${LOCAL_OSPF}${tlv(264, '01')}${tlv(265, '180a0000')}`),
    {
      nlriType: 3,
      protocolId: 3,
      identifier: 0n,
      localNodeDescriptors: localOspf,
      prefixDescriptors: [
        { type: 264, name: 'OSPF_ROUTE_TYPE', value: 1 },
        { type: 265, name: 'IP_REACHABILITY_INFORMATION', value: '10.0.0.0/24' },
      ],
    },
  ],
  [
    'IPv6 topology prefix (a /8 stays IPv6)',
    nlri(4, `02${ID0}${LOCAL_ISIS}${tlv(263, '0002')}${tlv(265, '08fc')}`),
    {
      nlriType: 4,
      protocolId: 2,
      identifier: 0n,
      localNodeDescriptors: localIsis,
      prefixDescriptors: [
        { type: 263, name: 'MULTI_TOPOLOGY_ID', value: [2] },
        { type: 265, name: 'IP_REACHABILITY_INFORMATION', value: 'fc00::/8' },
      ],
    },
  ],
  [
    'SRv6 SID',
    nlri(6, `02${ID0}${LOCAL_ISIS}${tlv(263, '0002')}${tlv(518, 'fc000000000100000000000000000000')}`),
    {
      nlriType: 6,
      protocolId: 2,
      identifier: 0n,
      localNodeDescriptors: localIsis,
      srv6SidDescriptors: [
        { type: 263, name: 'MULTI_TOPOLOGY_ID', value: [2] },
        { type: 518, name: 'SRV6_SID_INFORMATION', value: 'fc00:0:1::' },
      ],
    },
  ],
  ['unknown NLRI type 5 kept raw', nlri(5, 'deadbeef'), { nlriType: 5, hex: 'deadbeef' }],
  ['unknown NLRI type, empty', nlri(7, ''), { nlriType: 7, hex: '' }],
]

const RD = '0000fde800000064' // 65000:100

describe('BGP-LS NLRI', () => {
  it.each(NLRI_CASES)('%s', (_what, hex, expected) => {
    expect(roundTripBytes(familyAdapter(71), hexOrThrow(hex))).toEqual(expected)
  })

  it.each(NLRI_CASES)('%s, VPN: the RD follows the header', (_what, hex, expected) => {
    const body = hex.slice(8)
    const vpnHex = `${hex.slice(0, 4)}${h16(body.length / 2 + 8)}${RD}${body}`
    expect(roundTripBytes(familyAdapter(72), hexOrThrow(vpnHex))).toEqual({ ...expected, rd: '65000:100' })
  })

  it('encodes constructed values exactly (64-bit identifier, pseudonode ids)', () => {
    roundTripValue(familyAdapter(71), {
      nlriType: 2,
      protocolId: 6,
      identifier: 0xffffffffffffffffn,
      localNodeDescriptors: [
        { type: 515, name: 'IGP_ROUTER_ID', value: { routerId: '192.0.2.1', drInterfaceId: 4000000000 } },
      ],
      remoteNodeDescriptors: [{ type: 516, name: 'BGP_ROUTER_ID', value: '192.0.2.2' }],
      linkDescriptors: [],
    })
  })

  it('is registered for SAFI 71 and 72, with the families named by DESIGN.md', () => {
    expect(isDecodedFamily(16388, 71)).toBe(true)
    expect(isDecodedFamily(16388, 72)).toBe(true)
    expect(familyCodec(16388, 71).name).toBe('bgpls')
    expect(familyCodec(16388, 72).name).toBe('bgpls-vpn')
    expect(familyCodec(16388, 71).nextHop).toBe('ip')
  })

  it('reads a list with ADD-PATH path ids, and keys NLRI by their octets', () => {
    const f = familyCodec(16388, 71)
    const hex = `00000007${NLRI_CASES[0]![1]}0000000a${NLRI_CASES[6]![1]}`
    const list = decodeNlriList(f, reader(hexOrThrow(hex)), true, true)
    expect(list).toEqual([
      { ...NLRI_CASES[0]![2], pathId: 7 },
      { ...NLRI_CASES[6]![2], pathId: 10 },
    ])
    const out = encodeWith(
      list,
      (l) => nlriListSize(f, l, true),
      (w, l) => encodeNlriList(f, w, l, true),
    )
    expect(toHex(out)).toBe(hex)
    expect(f.key(list[0]!)).toBe(NLRI_CASES[0]![1])
    expect(f.key(list[0]!)).toBe(f.key({ ...list[0]!, pathId: 99 }))
  })

  const bad: [string, string, 71 | 72][] = [
    ['header cut short', '000200', 71],
    ['total length overruns the field', '00010030', 71],
    ['node NLRI with octets after its descriptors', nlri(1, `03${ID0}${LOCAL_OSPF}00`), 71],
    ['node NLRI cut inside the identifier', nlri(1, '0300000000'), 71],
    ['local node descriptors missing', nlri(1, `03${ID0}${tlv(257, tlv(512, '00000001'))}`), 71],
    [
      'link NLRI without remote node descriptors',
      nlri(2, `03${ID0}${LOCAL_OSPF}${tlv(259, 'c0a8c754')}`),
      71,
    ],
    ['link NLRI ending after the local node', nlri(2, `03${ID0}${LOCAL_OSPF}`), 71],
    ['AS of 3 octets in the local node', nlri(1, `03${ID0}${tlv(256, tlv(512, '00fde9'))}`), 71],
    ['IPv6 prefix of 129 bits', nlri(4, `02${ID0}${LOCAL_ISIS}${tlv(265, `81${V6}00`)}`), 71],
    ['IPv4 prefix of 33 bits', nlri(3, `03${ID0}${LOCAL_OSPF}${tlv(265, '21c000020100')}`), 71],
    ['VPN NLRI too short for its RD', nlri(1, '0000fde8'), 72],
  ]
  it.each(bad)('%s is malformed', (_what, hex, safi) => {
    expectMalformed(() => bgpLsFamily(safi).decode(reader(hexOrThrow(hex)), undefined, false))
  })

  it('refuses to encode an RD outside the VPN family, and none inside it', () => {
    const node = NLRI_CASES[0]![2]
    expectMalformed(() =>
      encodeWith({ ...node, rd: '65000:100' }, bgpLsFamily(71).size, bgpLsFamily(71).encode),
    )
    expectMalformed(() => encodeWith(node, bgpLsFamily(72).size, bgpLsFamily(72).encode))
  })
})

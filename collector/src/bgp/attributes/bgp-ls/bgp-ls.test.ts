import { describe, expect, it } from 'vitest'
import { type Codec, roundTripBytes, roundTripValue } from '../../../../test-support/round-trip.ts'
import { hexOrThrow } from '../../../wire/hex.ts'
import { reader } from '../../../wire/reader.ts'
import { encodeWith } from '../../../wire/writer.ts'
import { CodecError } from '../../errors.ts'
import { decodeTlv, encodeTlv, tlvSize } from '../../nlri/bgp-ls/tlv.ts'
import { flagList, flagValue } from './fields.ts'
import { ATTRIBUTE_SCOPE, registeredAttributeTlvs } from './registry.ts'
import type { BgpLsAttributeTlv } from './types.ts'

const h16 = (n: number) => n.toString(16).padStart(4, '0')
const tlv = (type: number, value: string) => `${h16(type)}${h16(value.length / 2)}${value}`
const ascii = (s: string) => Buffer.from(s, 'utf8').toString('hex')

const TLV: Codec<BgpLsAttributeTlv> = {
  size: (t) => tlvSize(t, ATTRIBUTE_SCOPE),
  encode: (w, t) => encodeTlv(w, t, ATTRIBUTE_SCOPE),
  decode: (r) => decodeTlv<BgpLsAttributeTlv>(r, ATTRIBUTE_SCOPE),
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
const SID = 'fc000000000100000000000000000000'
const BW = '4cee6b28' // 125000000.0, the bandwidth of 1 Gb/s in bytes per second
const STRUCTURE = tlv(1252, '20101000')
const STRUCTURE_TLV = {
  type: 1252,
  name: 'SRV6_SID_STRUCTURE',
  value: { locatorBlockLength: 32, locatorNodeLength: 16, functionLength: 16, argumentLength: 0 },
}

// [what, type, value octets (hex), decoded value]
const CASES: [string, number, string, unknown][] = [
  // Node attributes (RFC 9552 §5.3.1)
  ['node flag bits', 1024, 'a8', ['O', 'E', 'R']],
  ['node flag bits, a reserved bit kept', 1024, '81', ['O', 'bit7']],
  ['opaque node attribute', 1025, '010203', '010203'],
  ['node name', 1026, ascii('rtr-1.example'), 'rtr-1.example'],
  ['node name in UTF-8', 1026, ascii('routeur-é'), 'routeur-é'],
  ['node name not UTF-8 kept as hex', 1026, 'fffe41', { hex: 'fffe41' }],
  ['node name with a BOM kept', 1026, 'efbbbf41', '\ufeffA'],
  ['IS-IS area identifier', 1027, '490001', '490001'],
  ['IPv4 router id of local node', 1028, 'c0000201', '192.0.2.1'],
  ['IPv6 router id of local node', 1029, V6, '2001:db8::1'],
  ['multi-topology id as a node attribute', 263, '00000002', [0, 2]],
  // Link attributes (RFC 9552 §5.3.2)
  ['IPv4 router id of remote node', 1030, 'c0000202', '192.0.2.2'],
  ['IPv6 router id of remote node', 1031, V6, '2001:db8::1'],
  ['administrative group', 1088, '00000081', 129],
  ['maximum link bandwidth', 1089, BW, 125000000],
  ['maximum reservable link bandwidth', 1090, '3f800000', 1],
  ['maximum link bandwidth NaN kept as hex', 1089, '7fc00001', { hex: '7fc00001' }],
  ['maximum link bandwidth -0 kept as hex', 1089, '80000000', { hex: '80000000' }],
  [
    'unreserved bandwidth',
    1090 + 1,
    `${BW}${BW}${BW}${BW}00000000000000007f80000049742400`,
    [125000000, 125000000, 125000000, 125000000, 0, 0, { hex: '7f800000' }, 1000000],
  ],
  ['TE default metric', 1092, '00000014', 20],
  ['link protection type', 1093, '0a00', ['dedicated-1:1', 'unprotected']],
  ['link protection type, reserved bits kept', 1093, '8001', ['bit0', 'bit15']],
  ['MPLS protocol mask', 1094, 'c0', ['L', 'R']],
  ['IGP metric, 1 octet', 1095, '0a', { metric: 10, octets: 1 }],
  ['IGP metric, 2 octets', 1095, '0064', { metric: 100, octets: 2 }],
  ['IGP metric, 3 octets', 1095, '001388', { metric: 5000, octets: 3 }],
  ['IGP metric, 3 octets of a small value', 1095, '000001', { metric: 1, octets: 3 }],
  ['shared risk link group', 1096, '0000000100000002', [1, 2]],
  ['opaque link attribute', 1097, 'abcd', 'abcd'],
  ['link name', 1098, ascii('ge-0/0/0'), 'ge-0/0/0'],
  ['link local/remote identifiers as an attribute', 258, '00000172000001bb', { localId: 370, remoteId: 443 }],
  // Prefix attributes (RFC 9552 §5.3.3)
  ['IGP flags', 1152, '90', ['D', 'P']],
  ['IGP route tag', 1153, '00000064000000c8', [100, 200]],
  ['IGP extended route tag', 1154, '0000000100000002', [4294967298n]],
  ['prefix metric', 1155, '0000000a', 10],
  ['OSPF forwarding address, IPv4', 1156, 'c0000201', '192.0.2.1'],
  ['OSPF forwarding address, IPv6', 1156, V6, '2001:db8::1'],
  ['opaque prefix attribute', 1157, 'ff', 'ff'],
  // Segment routing (RFC 9085)
  [
    'SR capabilities',
    1034,
    `c000000064${tlv(1161, '003e80')}00000a${tlv(1161, '00001f40')}`,
    {
      flags: 0xc0,
      ranges: [
        { rangeSize: 100, label: 16000 },
        { rangeSize: 10, index: 8000 },
      ],
    },
  ],
  ['SR algorithm', 1035, '0001', [0, 1]],
  [
    'SR local block, reserved kept',
    1036,
    `00070003e8${tlv(1161, '003a98')}`,
    { flags: 0, reserved: 7, ranges: [{ rangeSize: 1000, label: 15000 }] },
  ],
  ['adjacency SID, label', 1099, '30000000049310', { flags: 0x30, weight: 0, label: 299792 }],
  [
    'adjacency SID, index, reserved kept',
    1099,
    '000a000100000005',
    { flags: 0, weight: 10, reserved: 1, index: 5 },
  ],
  [
    'LAN adjacency SID, IS-IS neighbor, label',
    1100,
    '30000000000100000002049310',
    { flags: 0x30, weight: 0, neighborSystemId: '0001.0000.0002', label: 299792 },
  ],
  [
    'LAN adjacency SID, OSPF neighbor, index',
    1100,
    '000100000a00000100000007',
    { flags: 0, weight: 1, neighborRouterId: '10.0.0.1', index: 7 },
  ],
  ['prefix SID, index', 1158, '4000000000000010', { flags: 0x40, algorithm: 0, index: 16 }],
  ['prefix SID, label, algorithm 128', 1158, '0c80000000c350', { flags: 0x0c, algorithm: 128, label: 50000 }],
  ['SID/label, label', 1161, '003e80', { label: 16000 }],
  ['SID/label, index', 1161, '00000064', { index: 100 }],
  ['prefix attribute flags', 1170, '40', '40'],
  ['source router identifier, IPv4', 1171, 'c0000201', '192.0.2.1'],
  ['source router identifier, IPv6', 1171, V6, '2001:db8::1'],
  // BGP egress peer engineering (RFC 9086)
  ['peer node SID', 1101, 'c0000000000064', { flags: ['V', 'L'], weight: 0, label: 100 }],
  ['peer adjacency SID', 1102, 'd0050000000065', { flags: ['V', 'L', 'P'], weight: 5, label: 101 }],
  [
    'peer set SID, index, reserved kept',
    1103,
    '2001000100000009',
    { flags: ['B'], weight: 1, reserved: 1, index: 9 },
  ],
  // SRv6 (RFC 9514)
  ['SRv6 capabilities', 1038, '40000000', { flags: ['O'] }],
  [
    'SRv6 capabilities, reserved and sub-TLVs kept',
    1038,
    `00000001${tlv(4000, 'aa')}`,
    { flags: [], reserved: 1, subTlvs: [{ type: 4000, hex: 'aa' }] },
  ],
  [
    'SRv6 End.X SID with SID structure',
    1106,
    `0039800000 00${SID}${STRUCTURE}`.replace(' ', ''),
    { behavior: 57, flags: ['B'], algorithm: 0, weight: 0, sid: 'fc00:0:1::', subTlvs: [STRUCTURE_TLV] },
  ],
  [
    'IS-IS SRv6 LAN End.X SID',
    1107,
    `00396000010a000100000002${SID}`,
    {
      behavior: 57,
      flags: ['S', 'P'],
      algorithm: 0,
      weight: 1,
      reserved: 10,
      neighborSystemId: '0001.0000.0002',
      sid: 'fc00:0:1::',
    },
  ],
  [
    'OSPFv3 SRv6 LAN End.X SID',
    1108,
    `003900800000c0000201${SID}${STRUCTURE}`,
    {
      behavior: 57,
      flags: [],
      algorithm: 128,
      weight: 0,
      neighborRouterId: '192.0.2.1',
      sid: 'fc00:0:1::',
      subTlvs: [STRUCTURE_TLV],
    },
  ],
  ['SRv6 locator', 1162, '800000000000000a', { flags: ['D'], algorithm: 0, metric: 10 }],
  [
    'SRv6 locator with sub-TLVs, reserved kept',
    1162,
    `0080000200000001${tlv(1250, '00300000')}`,
    {
      flags: [],
      algorithm: 128,
      reserved: 2,
      metric: 1,
      subTlvs: [
        { type: 1250, name: 'SRV6_ENDPOINT_BEHAVIOR', value: { behavior: 48, flags: [], algorithm: 0 } },
      ],
    },
  ],
  ['SRv6 endpoint behavior', 1250, '00300000', { behavior: 48, flags: [], algorithm: 0 }],
  [
    'SRv6 endpoint behavior, a reserved flag kept',
    1250,
    '00300100',
    { behavior: 48, flags: ['bit7'], algorithm: 0 },
  ],
  [
    'SRv6 BGP peer node SID',
    1251,
    'a00500000000fde8c0000201',
    { flags: ['B', 'P'], weight: 5, peerAsn: 65000, peerBgpId: '192.0.2.1' },
  ],
  [
    'SRv6 SID structure',
    1252,
    '20101000',
    { locatorBlockLength: 32, locatorNodeLength: 16, functionLength: 16, argumentLength: 0 },
  ],
]

describe('BGP-LS attribute TLVs', () => {
  it.each(CASES)('%s (%i)', (_what, type, value, expected) => {
    const back = roundTripBytes(TLV, hexOrThrow(tlv(type, value)))
    expect(back).toEqual({ type, name: ATTRIBUTE_SCOPE.codec(type)!.name, value: expected })
  })

  it('keeps an unknown TLV as { type, hex }', () => {
    expect(roundTripBytes(TLV, hexOrThrow(tlv(1039, '0102')))).toEqual({ type: 1039, hex: '0102' })
    expect(roundTripBytes(TLV, hexOrThrow(tlv(65535, '')))).toEqual({ type: 65535, hex: '' })
  })

  it('covers every registered TLV in the cases above', () => {
    const tested = new Set(CASES.map((c) => c[1]))
    const untested = registeredAttributeTlvs()
      .map((c) => c.code)
      .filter((t) => !tested.has(t))
    expect(untested).toEqual([])
  })

  it('has the TLVs of RFC 9552, RFC 9085, RFC 9086 and RFC 9514 named in the issue', () => {
    expect(
      registeredAttributeTlvs()
        .map((c) => c.code)
        .sort((a, b) => a - b),
    ).toEqual([
      1024, 1025, 1026, 1027, 1028, 1029, 1030, 1031, 1034, 1035, 1036, 1038, 1088, 1089, 1090, 1091, 1092,
      1093, 1094, 1095, 1096, 1097, 1098, 1099, 1100, 1101, 1102, 1103, 1106, 1107, 1108, 1152, 1153, 1154,
      1155, 1156, 1157, 1158, 1161, 1162, 1170, 1171, 1250, 1251, 1252,
    ])
  })

  const bad: [string, number, string][] = [
    ['node flag bits of 2 octets', 1024, '8000'],
    ['IPv4 router id of 16 octets', 1028, V6],
    ['IPv6 router id of 4 octets', 1029, 'c0000201'],
    ['administrative group of 3 octets', 1088, '000001'],
    ['maximum link bandwidth of 8 octets', 1089, `${BW}${BW}`],
    ['unreserved bandwidth of 7 floats', 1091, BW.repeat(7)],
    ['TE default metric of 3 octets', 1092, '000014'],
    ['link protection type of 1 octet', 1093, '0a'],
    ['MPLS protocol mask of 0 octets', 1094, ''],
    ['IGP metric of 4 octets', 1095, '00000001'],
    ['IGP metric of 0 octets', 1095, ''],
    ['SRLG of 6 octets', 1096, '000000010000'],
    ['IGP flags of 2 octets', 1152, '8000'],
    ['route tag of 5 octets', 1153, '0000006400'],
    ['extended route tag of 4 octets', 1154, '00000001'],
    ['prefix metric of 2 octets', 1155, '000a'],
    ['OSPF forwarding address of 8 octets', 1156, 'c0000201c0000202'],
    ['SR capabilities with a sub-TLV other than SID/label', 1034, `8000000064${tlv(1162, '003e80')}`],
    ['SR capabilities with a 5-octet SID/label', 1034, `8000000064${tlv(1161, '0000003e80')}`],
    ['SR capabilities with a range but no SID/label', 1034, '8000000064'],
    ['SR capabilities with a SID/label overrunning the TLV', 1034, '8000000064048900040000'],
    ['SR capabilities of 1 octet', 1034, '80'],
    ['adjacency SID of 6 octets', 1099, '300000000493'],
    ['adjacency SID of 9 octets', 1099, '300000000000049310'],
    ['LAN adjacency SID of 10 octets', 1100, '30000000000100000002'],
    ['prefix SID of 16 octets', 1158, `40000000${'00'.repeat(12)}`],
    ['SID/label of 2 octets', 1161, '3e80'],
    ['source router id of 5 octets', 1171, 'c000020100'],
    ['peer node SID of 5 octets', 1101, 'c000000000'],
    ['SRv6 capabilities of 2 octets', 1038, '4000'],
    ['SRv6 capabilities with a sub-TLV overrun', 1038, '40000000000100ff'],
    ['SRv6 End.X SID without its whole SID', 1106, `0039800000 00${SID.slice(0, 20)}`.replace(' ', '')],
    ['IS-IS SRv6 LAN End.X SID of the End.X length', 1107, `0039800000 00${SID}`.replace(' ', '')],
    ['SRv6 End.X SID with a malformed sub-TLV', 1106, `003980000000${SID}${tlv(1252, '2010')}`],
    ['SRv6 locator of 7 octets', 1162, '80000000000000'],
    ['SRv6 endpoint behavior of 5 octets', 1250, '0030000000'],
    ['SRv6 BGP peer node SID of 8 octets', 1251, 'a00500000000fde8'],
    ['SRv6 SID structure of 3 octets', 1252, '201010'],
  ]
  it.each(bad)('%s is malformed', (_what, type, value) => {
    expectMalformed(() => decodeTlv(reader(hexOrThrow(tlv(type, value))), ATTRIBUTE_SCOPE))
  })

  it('refuses to encode values that do not fit their fields', () => {
    const enc = (t: BgpLsAttributeTlv) => () => encodeWith(t, TLV.size, TLV.encode)
    expectMalformed(enc({ type: 1024, name: 'NODE_FLAG_BITS', value: ['X'] }))
    expectMalformed(enc({ type: 1024, name: 'NODE_FLAG_BITS', value: ['bit8'] }))
    expectMalformed(enc({ type: 1089, name: 'MAXIMUM_LINK_BANDWIDTH', value: 0.1 }))
    expectMalformed(enc({ type: 1089, name: 'MAXIMUM_LINK_BANDWIDTH', value: { hex: '00' } }))
    expectMalformed(enc({ type: 1091, name: 'UNRESERVED_BANDWIDTH', value: [1, 2] }))
    expectMalformed(enc({ type: 1095, name: 'IGP_METRIC', value: { metric: 256, octets: 1 } }))
    expectMalformed(
      enc({
        type: 1095,
        name: 'IGP_METRIC',
        value: { metric: 1, octets: 4 },
      } as unknown as BgpLsAttributeTlv),
    )
    expectMalformed(
      enc({ type: 1099, name: 'ADJACENCY_SID', value: { flags: 0, weight: 0, label: 1 << 24 } }),
    )
    expectMalformed(enc({ type: 1154, name: 'IGP_EXTENDED_ROUTE_TAG', value: [1n << 64n] }))
    expectMalformed(enc({ type: 1026, name: 'NODE_NAME', value: { hex: 'zz' } }))
  })

  it('round-trips constructed values', () => {
    roundTripValue(TLV, {
      type: 1106,
      name: 'SRV6_END_X_SID',
      value: {
        behavior: 0xffff,
        flags: ['B', 'S', 'P', 'bit7'],
        algorithm: 255,
        weight: 255,
        reserved: 255,
        sid: 'fc00::1',
        subTlvs: [{ type: 1161, name: 'SID_LABEL', value: { index: 0xffffffff } }],
      },
    })
    roundTripValue(TLV, { type: 1089, name: 'MAXIMUM_LINK_BANDWIDTH', value: 3.4028234663852886e38 })
  })
})

describe('BGP-LS flag letters', () => {
  it('names set bits most significant first, unnamed ones by position', () => {
    expect(flagList(0xff, 8, ['A', 'B'])).toEqual(['A', 'B', 'bit2', 'bit3', 'bit4', 'bit5', 'bit6', 'bit7'])
    expect(flagValue(['bit15', 'A'], 16, ['A'], 'x')).toBe(0x8001)
    expect(flagList(0, 8, ['A'])).toEqual([])
  })
})

import { describe, expect, it } from 'vitest'
import { type Codec, roundTripBytes, roundTripValue } from '../../../../test-support/round-trip.ts'
import { hexOrThrow } from '../../../wire/hex.ts'
import { bytes } from '../../../wire/reader.ts'
import { wbytes } from '../../../wire/writer.ts'
import { label24 } from '../../nlri/evpn/fields.ts'
import { decodeExtendedCommunity, encodeExtendedCommunity, formatExtendedCommunity } from './registry.ts'
import type { ExtendedCommunity } from './types.ts'

const ec: Codec<ExtendedCommunity> = {
  size: () => 8,
  encode: (w, e) => wbytes(w, encodeExtendedCommunity(e)),
  decode: (r) => decodeExtendedCommunity(bytes(r, 8), 0),
}

describe('EVPN extended communities (RFC 7432 §7.5–7.9, RFC 8214, RFC 9135)', () => {
  const cases: [string, string, ExtendedCommunity, string][] = [
    [
      'MAC mobility',
      '0600 00 00 00000005',
      { type: 6, subtype: 0, name: 'mac-mobility', flags: 0, sequence: 5 },
      'mac-mobility:5',
    ],
    [
      'MAC mobility, sticky',
      '0600 01 00 ffffffff',
      { type: 6, subtype: 0, name: 'mac-mobility', flags: 1, sequence: 0xffffffff },
      'mac-mobility:4294967295:sticky',
    ],
    [
      'ESI label, single-active',
      '0601 01 0000 000641',
      { type: 6, subtype: 1, name: 'esi-label', flags: 1, label: label24(0x641) },
      'esi-label:100:single-active',
    ],
    [
      'ES-import route target',
      '0602 001122334455',
      { type: 6, subtype: 2, name: 'es-import-route-target', mac: '00:11:22:33:44:55' },
      'es-import:00:11:22:33:44:55',
    ],
    [
      "router's MAC (akvorado bmp-reach)",
      '0603 2c6bf57914f0',
      { type: 6, subtype: 3, name: 'router-mac', mac: '2c:6b:f5:79:14:f0' },
      'router-mac:2c:6b:f5:79:14:f0',
    ],
    [
      'layer 2 attributes',
      '0604 0006 05dc 0000',
      { type: 6, subtype: 4, name: 'layer2-attributes', flags: 6, mtu: 1500 },
      'l2-attributes:1500:flags-0x6',
    ],
    [
      'default gateway',
      '030d 000000000000',
      { type: 3, subtype: 0x0d, name: 'default-gateway' },
      'default-gateway',
    ],
  ]
  it.each(cases)('%s', (_, hex, value, text) => {
    expect(roundTripBytes(ec, hexOrThrow(hex))).toEqual(value)
    roundTripValue(ec, value)
    expect(formatExtendedCommunity(value)).toBe(text)
  })

  it('keeps communities with reserved fields set as unknown, octets intact', () => {
    for (const hex of [
      '0600 00 01 00000005',
      '0601 00 0100 000641',
      '0604 0000 05dc 0001',
      '030d 000000000001',
    ]) {
      const e = roundTripBytes(ec, hexOrThrow(hex))
      expect(e.name, hex).toBe('unknown')
    }
  })
})

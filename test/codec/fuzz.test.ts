// The seeded fuzzer of bench/fuzz.ts, a few thousand cases per run (the bench
// runs a million): decodeMessage never throws, every problem is typed, and
// what decodes cleanly encodes back to the same octets. Also the inputs that
// broke the property before their fixes, and every testdata message under
// every context.

import { describe, expect, it } from 'vitest'
import {
  CONTEXTS,
  checkCase,
  fuzz,
  type MessageCodec,
  seedMessages,
  testdataMessages,
} from '../../bench/fuzz.ts'
import {
  CodecError,
  type DecodeResult,
  decodeMessage,
  type Problem,
  type ProblemKind,
} from '../../collector/src/bgp/index.ts'
import { WireError } from '../../collector/src/wire/reader.ts'
import { SAMPLES } from '../../collector/test-support/samples.ts'
import { requireTestdata } from '../../collector/test-support/testdata.ts'
import {
  attr,
  be16,
  be32,
  hx,
  MANDATORY,
  message,
  NLRI_10,
  openBody,
  update,
} from '../../collector/test-support/wire-builder.ts'

const testdata = requireTestdata('codec fuzz: testdata seeds')

describe('fuzz', () => {
  it('has eight contexts: 4-octet AS, ADD-PATH and extended messages, each on and off', () => {
    expect(new Set(CONTEXTS.map((c) => `${c.asn4}${c.addPath.has(257)}${c.extendedMessage}`)).size).toBe(8)
  })

  it('every sample message is clean under its own context and passes the check under all of them', () => {
    for (const s of SAMPLES) {
      expect(decodeMessage(s.bytes, s.ctx).problems, s.name).toEqual([])
      for (const ctx of CONTEXTS) expect(checkCase(s.bytes, ctx), s.name).toBeUndefined()
    }
  })

  it('5,000 random and mutated messages: no crash, no violation', () => {
    const stats = fuzz({ cases: 5000, seed: 20240601, seeds: seedMessages({ testdata }) })
    expect(stats.failures).toEqual([])
    expect({ crashes: stats.crashes, violations: stats.violations, cases: stats.cases }).toEqual({
      crashes: 0,
      violations: 0,
      cases: 5000,
    })
    // Both generators ran, and enough inputs decoded cleanly for the exact re-encoding to be checked.
    expect(stats.random).toBeGreaterThan(1000)
    expect(stats.mutated).toBeGreaterThan(3000)
    expect(stats.clean).toBeGreaterThan(100)
  })

  it('is deterministic for a seed', () => {
    const seeds = seedMessages()
    expect(fuzz({ cases: 300, seed: 5, seeds })).toEqual(fuzz({ cases: 300, seed: 5, seeds }))
  })

  describe('the check catches a broken codec', () => {
    const ctx = CONTEXTS[0]!
    const ka = message(4, [])
    const clean = (): DecodeResult => ({
      message: { type: 'KEEPALIVE' },
      problems: [],
      action: 'none',
      length: 19,
    })
    const problem = (p: Partial<Problem>): DecodeResult => ({
      message: undefined,
      problems: [
        {
          kind: 'NOTIFY.HEADER.UNSPECIFIC',
          action: 'session-reset',
          offset: 0,
          reason: 'x',
          ...p,
        } as Problem,
      ],
      action: 'session-reset',
      length: 0,
    })
    const codec = (decode: () => DecodeResult, encode: () => Uint8Array = () => ka): MessageCodec => ({
      decodeMessage: decode,
      encodeMessage: encode,
    })

    it('the real codec passes', () => {
      expect(checkCase(ka, ctx)).toBeUndefined()
      expect(checkCase(ka, ctx, codec(clean))).toBeUndefined()
    })

    it.each([
      [
        'decode throws an untyped error',
        codec(() => {
          throw new TypeError('x')
        }),
        'crash',
      ],
      [
        'decode throws a typed error',
        codec(() => {
          throw new WireError('truncated', 0, 'x')
        }),
        'crash',
      ],
      [
        'an unknown problem kind',
        codec(() => problem({ kind: 'NOTIFY.NOPE.X' as ProblemKind })),
        'violation',
      ],
      ['an action outside RFC 7606', codec(() => problem({ action: 'none' })), 'violation'],
      ['an offset outside the input', codec(() => problem({ offset: 20 })), 'violation'],
      ['a problem without a reason', codec(() => problem({ reason: '' })), 'violation'],
      [
        'an action that is not the strongest',
        codec(() => ({ ...problem({}), action: 'treat-as-withdraw' })),
        'violation',
      ],
      ['no problem and no message', codec(() => ({ ...clean(), message: undefined })), 'violation'],
      ['re-encoding differs', codec(clean, () => message(4, [0])), 'violation'],
      [
        'a clean message does not encode',
        codec(clean, () => {
          throw new CodecError('NOTIFY.UPDATE.UNSPECIFIC', 'x', 0)
        }),
        'violation',
      ],
      [
        'encode throws an untyped error',
        codec(clean, () => {
          throw new RangeError('x')
        }),
        'crash',
      ],
    ] as const)('%s', (_what, broken, kind) => {
      expect(checkCase(ka, ctx, broken)?.kind).toBe(kind)
    })
  })

  describe('inputs that broke the property before their fix (regressions)', () => {
    const cases: [string, Uint8Array][] = [
      ['FQDN capability without a domain', message(1, openBody([2, 5, 73, 3, 2, 0x61, 0x62]))],
      ['software version that is not UTF-8', message(1, openBody([2, 4, 75, 2, 1, 0xff]))],
      [
        'link bandwidth of a signalling NaN',
        update({
          attributes: [...MANDATORY, ...attr(0xc0, 16, [0x40, 0x04, 0xfd, 0xe8, 0x7f, 0x80, 0, 1])],
          nlri: NLRI_10,
        }),
      ],
      [
        'VPNv6 next hop with two different RDs',
        update({
          attributes: [
            ...attr(0x80, 14, [
              ...[0, 2, 128, 48],
              ...new Array(8).fill(0),
              ...hx('20010db8000000000000000000000001'),
              ...[0, 0, ...be16(1), ...be32(5)],
              ...hx('fe800000000000000000000000000001'),
              0,
            ]),
          ],
        }),
      ],
      ['withdrawn length overrunning the message', update({ withdrawnLength: 9 })],
      [
        'an unparseable NLRI field followed by more octets',
        update({ attributes: MANDATORY, nlri: [33, 1, 2, 3, 4, 5, 6] }),
      ],
    ]
    it.each(cases)('%s', (_name, bytes) => {
      for (const ctx of CONTEXTS) expect(checkCase(bytes, ctx)).toBeUndefined()
    })
  })

  describe.runIf(testdata)('every testdata message', () => {
    it('under every context', () => {
      const all = testdataMessages(testdata!)
      expect(all.length).toBeGreaterThan(300)
      for (const m of all) for (const ctx of CONTEXTS) expect(checkCase(m, ctx)).toBeUndefined()
    })
  })
})

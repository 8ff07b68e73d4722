import { describe, expect, it } from 'vitest'
import { messageCodec } from '../../../test-support/codecs.ts'
import { roundTripBytes } from '../../../test-support/round-trip.ts'
import { ASN4, EXTENDED, SAMPLES, sample } from '../../../test-support/samples.ts'
import { message, update } from '../../../test-support/wire-builder.ts'
import { WireError } from '../../wire/reader.ts'
import { writer } from '../../wire/writer.ts'
import { CodecError } from '../errors.ts'
import { type BgpMessage, decodeMessage, encodeMessage, messageSize, writeMessage } from './message.ts'

describe('every sample message', () => {
  it.each(SAMPLES.map((s) => [s.name, s] as const))('%s: bytes → value → the same bytes', (_name, s) => {
    roundTripBytes(messageCodec(s.ctx), s.bytes)
    expect(decodeMessage(s.bytes, s.ctx)).toMatchObject({
      problems: [],
      action: 'none',
      length: s.bytes.length,
    })
  })
})

describe('decodeMessage', () => {
  it('decodes a message in the middle of a buffer, with offsets from its own start', () => {
    const ka = sample('keepalive').bytes
    const bad = update({ attributes: [0x40, 1, 1, 7], nlri: [8, 10] })
    const buf = Uint8Array.from([...ka, ...bad, ...ka])
    const r = decodeMessage(buf, ASN4, ka.length)
    expect(r.length).toBe(bad.length)
    expect(r.problems.map((p) => [p.kind, p.offset])).toEqual([
      ['NOTIFY.UPDATE.INVALID_ORIGIN_ATTRIBUTE', 26],
      ['NOTIFY.UPDATE.MISSING_WELL_KNOWN_ATTRIBUTE', 21],
    ])
    expect(decodeMessage(buf, ASN4, ka.length + bad.length)).toEqual({
      message: { type: 'KEEPALIVE' },
      problems: [],
      action: 'none',
      length: 19,
    })
  })

  it('keeps a message of an unknown type, with a session-reset problem, and encodes it back', () => {
    const bytes = message(9, [1, 2, 3])
    const r = decodeMessage(bytes, ASN4)
    expect(r).toEqual({
      message: { type: 'UNKNOWN', typeCode: 9, data: '010203' },
      problems: [
        {
          kind: 'NOTIFY.HEADER.BAD_MESSAGE_TYPE',
          action: 'session-reset',
          offset: 18,
          reason: 'message type 9',
        },
      ],
      action: 'session-reset',
      length: 22,
    })
    expect(encodeMessage(r.message!, ASN4)).toEqual(bytes)
    expect(encodeMessage({ type: 'UNKNOWN', typeCode: 0, data: '' }, ASN4)).toEqual(message(0, []))
    expect(encodeMessage({ type: 'UNKNOWN', typeCode: 200, data: 'ff' }, ASN4)).toEqual(message(200, [0xff]))
  })

  it('answers fewer octets than a header, or than the header says, with a typed problem', () => {
    expect(decodeMessage(new Uint8Array(18).fill(0xff), ASN4)).toEqual({
      message: undefined,
      problems: [
        {
          kind: 'NOTIFY.HEADER.BAD_MESSAGE_LENGTH',
          action: 'session-reset',
          offset: 0,
          reason: '18 octets, shorter than a header',
        },
      ],
      action: 'session-reset',
      length: 0,
    })
    const ka = sample('route refresh').bytes
    const r = decodeMessage(ka.subarray(0, 22), ASN4)
    expect(r.problems.map((p) => [p.kind, p.offset, p.reason])).toEqual([
      ['NOTIFY.HEADER.BAD_MESSAGE_LENGTH', 16, 'message of 23 octets truncated to 22'],
    ])
    expect(r.message).toBeUndefined()
  })

  it('decodes messages longer than 4096 octets only with the extended message context', () => {
    const big = sample('update extended message').bytes
    expect(big.length).toBeGreaterThan(4096)
    expect(decodeMessage(big, EXTENDED).problems).toEqual([])
    expect(decodeMessage(big, ASN4).problems.map((p) => p.kind)).toEqual(['NOTIFY.HEADER.BAD_MESSAGE_LENGTH'])
  })
})

describe('encoding', () => {
  it('sizes every sample exactly', () => {
    for (const s of SAMPLES) {
      const m = decodeMessage(s.bytes, s.ctx).message!
      expect(messageSize(m, s.ctx), s.name).toBe(s.bytes.length)
    }
  })

  it('refuses to write a message past the end of its buffer, writing nothing', () => {
    const m = decodeMessage(sample('route refresh').bytes, ASN4).message!
    const buf = new Uint8Array(22)
    const w = writer(buf)
    expect(() => writeMessage(w, m, ASN4)).toThrow(WireError)
    expect([...buf]).toEqual(new Array(22).fill(0))
    expect(w.pos).toBe(0)
  })

  it('throws a typed error for a value that cannot be encoded', () => {
    const bad: BgpMessage = {
      type: 'UPDATE',
      withdrawn: [],
      attributes: [],
      nlri: [{ prefix: '10.0.0.0/33' }],
    }
    expect(() => encodeMessage(bad, ASN4)).toThrow(CodecError)
    const badHop: BgpMessage = {
      type: 'UPDATE',
      withdrawn: [],
      attributes: [{ code: 3, flags: 0x40, name: 'NEXT_HOP', value: 'nowhere' }],
      nlri: [],
    }
    expect(() => encodeMessage(badHop, ASN4)).toThrow(CodecError)
  })
})

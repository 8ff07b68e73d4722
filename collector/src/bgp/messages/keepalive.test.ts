import { describe, expect, it } from 'vitest'
import { messageCodec } from '../../../test-support/codecs.ts'
import { roundTripValue } from '../../../test-support/round-trip.ts'
import { ASN4, EXTENDED } from '../../../test-support/samples.ts'
import { message } from '../../../test-support/wire-builder.ts'
import { KEEPALIVE } from './keepalive.ts'
import { decodeMessage } from './message.ts'

describe('KEEPALIVE', () => {
  it('is the 19-octet header alone', () => {
    expect([...roundTripValue(messageCodec(ASN4), KEEPALIVE)]).toEqual([...message(4, [])])
  })

  it('RFC 4271 §6.1: a KEEPALIVE with a body is a bad message length, also with extended messages', () => {
    for (const ctx of [ASN4, EXTENDED]) {
      const r = decodeMessage(message(4, [0]), ctx)
      expect(r).toEqual({
        message: undefined,
        problems: [
          {
            kind: 'NOTIFY.HEADER.BAD_MESSAGE_LENGTH',
            action: 'session-reset',
            offset: 16,
            reason: 'KEEPALIVE of 20 octets',
          },
        ],
        action: 'session-reset',
        length: 20,
      })
    }
  })
})

import { describe, expect, it } from 'vitest'
import { messageCodec } from '../../../test-support/codecs.ts'
import { roundTripValue } from '../../../test-support/round-trip.ts'
import { ASN4, sample } from '../../../test-support/samples.ts'
import { message } from '../../../test-support/wire-builder.ts'
import { decodeMessage } from './message.ts'
import { type NotificationMessage, shutdownNotification } from './notification.ts'

function notification(bytes: Uint8Array): NotificationMessage {
  const r = decodeMessage(bytes, ASN4)
  expect(r.problems).toEqual([])
  return r.message as NotificationMessage
}

const utf8 = (s: string) => [...new TextEncoder().encode(s)]

describe('NOTIFICATION', () => {
  it('names code and subcode and keeps the data as hex', () => {
    expect(notification(sample('notification').bytes)).toEqual({
      type: 'NOTIFICATION',
      code: 3,
      subcode: 11,
      data: '40020107',
      codeName: 'UPDATE',
      subcodeName: 'MALFORMED_AS_PATH',
    })
  })

  it('leaves numbers outside the registry unnamed', () => {
    expect(notification(message(3, [6, 99]))).toEqual({
      type: 'NOTIFICATION',
      code: 6,
      subcode: 99,
      data: '',
      codeName: 'CEASE',
    })
    expect(notification(message(3, [42, 1, 0xff]))).toEqual({
      type: 'NOTIFICATION',
      code: 42,
      subcode: 1,
      data: 'ff',
    })
  })

  it('RFC 9003: reads a multi-byte UTF-8 shutdown communication', () => {
    const text = 'maintenance — back in 5 min ✓'
    expect(notification(sample('notification shutdown communication').bytes)).toEqual({
      type: 'NOTIFICATION',
      code: 6,
      subcode: 2,
      data: `${utf8(text).length.toString(16)}${Buffer.from(text).toString('hex')}`,
      codeName: 'CEASE',
      subcodeName: 'ADMINISTRATIVE_SHUTDOWN',
      shutdownMessage: text,
    })
    expect(notification(message(3, [6, 4, 2, 0xc3, 0xa9])).shutdownMessage).toBe('é')
  })

  it('RFC 9003: no shutdown message when the length octet is wrong or the text is not UTF-8', () => {
    for (const data of [
      [5, 0x61, 0x62],
      [2, 0xc3, 0x28],
      [1, 0xff],
    ]) {
      const n = notification(message(3, [6, 2, ...data]))
      expect(n.shutdownMessage, JSON.stringify(data)).toBeUndefined()
      expect(n.data).toBe(Buffer.from(data).toString('hex'))
    }
  })

  it('RFC 8538: a Hard Reset carries the NOTIFICATION that caused it', () => {
    expect(notification(sample('notification hard reset').bytes).hardReset).toEqual({
      code: 6,
      subcode: 4,
      data: '03627965',
      codeName: 'CEASE',
      subcodeName: 'ADMINISTRATIVE_RESET',
    })
    expect(notification(message(3, [6, 9, 4])).hardReset).toBeUndefined()
  })

  it('shutdownNotification builds an RFC 9003 message, cut to 255 octets on a character boundary', () => {
    const n = shutdownNotification(2, 'bye ✓')
    expect(n.shutdownMessage).toBe('bye ✓')
    roundTripValue(messageCodec(ASN4), n)
    const long = shutdownNotification(4, `${'a'.repeat(253)}✓✓`)
    expect(long.shutdownMessage).toBe('a'.repeat(253))
    expect(long.data.slice(0, 2)).toBe('fd')
    const exact = shutdownNotification(4, `${'a'.repeat(252)}✓`)
    expect(exact.shutdownMessage).toBe(`${'a'.repeat(252)}✓`)
  })

  it('a NOTIFICATION without a subcode is a bad message length', () => {
    const r = decodeMessage(message(3, [6]), ASN4)
    expect(r.message).toBeUndefined()
    expect(r.problems.map((p) => [p.kind, p.action, p.offset])).toEqual([
      ['NOTIFY.HEADER.BAD_MESSAGE_LENGTH', 'session-reset', 16],
    ])
  })
})

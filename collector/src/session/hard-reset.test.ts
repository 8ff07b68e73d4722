import { describe, expect, it } from 'vitest'
import { DEFAULT_CONTEXT, decodeMessage, encodeMessage, shutdownNotification } from '../bgp/index.ts'
import { notify } from './fsm.ts'
import { withHardReset } from './hard-reset.ts'
import { maxPrefixNotification } from './max-prefix.ts'

describe('Cease / Hard Reset (RFC 8538)', () => {
  it('wraps maximum prefixes, administrative shutdown and peer de-configured when the N bit was exchanged', () => {
    const limit = maxPrefixNotification(256 + 1, 1000)
    const wrapped = withHardReset(limit, true)
    expect(wrapped).toEqual({ type: 'NOTIFICATION', code: 6, subcode: 9, data: '06010001010000' + '03e8' })
    expect(decodeMessage(encodeMessage(wrapped, DEFAULT_CONTEXT), DEFAULT_CONTEXT).message).toMatchObject({
      hardReset: { code: 6, subcode: 1, data: '000101000003e8' },
    })
    expect(withHardReset(shutdownNotification(2, 'bye'), true).data).toBe('0602' + '03627965')
    expect(withHardReset(notify('NOTIFY.CEASE.PEER_DE_CONFIGURED'), true).subcode).toBe(9)
  })

  it('leaves every NOTIFICATION alone without the N bit, and other Ceases and errors always', () => {
    const limit = maxPrefixNotification(256 + 1, 1000)
    expect(withHardReset(limit, false)).toBe(limit)
    for (const n of [
      notify('NOTIFY.CEASE.CONNECTION_COLLISION_RESOLUTION'),
      notify('NOTIFY.CEASE.OUT_OF_RESOURCES'),
      notify('NOTIFY.HOLD_TIMER_EXPIRED.UNSPECIFIC'),
    ]) {
      expect(withHardReset(n, true)).toBe(n)
    }
  })
})

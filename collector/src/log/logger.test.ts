import { describe, expect, it } from 'vitest'
import { createLogger, formatLine } from './logger.ts'

describe('logger', () => {
  const at = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678))

  it('writes logfmt lines, quoting what needs it and leaving out undefined fields', () => {
    expect(
      formatLine(
        at,
        'info',
        'session',
        { peer: '192.0.2.1', asn: 64500, reason: 'hold timer expired', x: undefined },
        'text',
      ),
    ).toBe('2024-01-02T03:04:05.678Z info  session peer=192.0.2.1 asn=64500 reason="hold timer expired"')
  })

  it('writes JSON lines', () => {
    expect(formatLine(at, 'warn', 'refused', { peer: '::1', ok: false }, 'json')).toBe(
      '{"time":"2024-01-02T03:04:05.678Z","level":"warn","event":"refused","peer":"::1","ok":false}',
    )
  })

  it('filters by level and adds a child’s fields to every line', () => {
    const lines: string[] = []
    const log = createLogger({ level: 'info', write: (l) => lines.push(l), now: () => at.getTime() })
    const peer = log.child({ peer: '192.0.2.1' })
    peer.debug('hidden')
    peer.info('state', { to: 'Established' })
    log.error('listen', { address: '0.0.0.0:179' })
    expect(lines).toEqual([
      '2024-01-02T03:04:05.678Z info  state peer=192.0.2.1 to=Established',
      '2024-01-02T03:04:05.678Z error listen address=0.0.0.0:179',
    ])
  })
})

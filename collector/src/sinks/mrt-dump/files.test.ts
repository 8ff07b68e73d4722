// The dump directory's names: RIS layout from a time and back, nothing else
// accepted (so the API can serve by name), and the raw-octet scan that picks
// the ADDPATH subtype.

import { describe, expect, it } from 'vitest'
import {
  codecContext,
  encodeMessage,
  familyKey,
  type IpPrefixNlri,
  type UpdateMessage,
} from '../../bgp/index.ts'
import { parseRelativePath, relativePath, tempPath } from './files.ts'
import { usesAddPath } from './sink.ts'

describe('MRT file names', () => {
  it('are RIS names under a month folder, and read back', () => {
    const t = Date.UTC(2024, 0, 15, 12, 5)
    expect(relativePath('updates', t)).toBe('2024.01/updates.20240115.1205.gz')
    expect(relativePath('bview', Date.UTC(2023, 11, 31, 16))).toBe('2023.12/bview.20231231.1600.gz')
    expect(parseRelativePath('2024.01/updates.20240115.1205.gz')).toEqual({ kind: 'updates', time: t })
    expect(tempPath('/d/2024.01/updates.20240115.1205.gz')).toBe(
      `/d/2024.01/.updates.20240115.1205.gz.${process.pid}.tmp`,
    )
  })

  it('accept nothing else', () => {
    for (const bad of [
      '../2024.01/updates.20240115.1205.gz',
      '2024.01/../../etc/passwd',
      '2024.02/updates.20240115.1205.gz',
      '2024.02/bview.20240231.0000.gz',
      '2024.01/updates.20240115.1205.gz.tmp',
      '2024.01/.updates.20240115.1205.gz.1.tmp',
      '2024.01/rib.20240115.1205.gz',
      '/2024.01/updates.20240115.1205.gz',
    ])
      expect(parseRelativePath(bad), bad).toBeUndefined()
  })
})

describe('the ADDPATH subtype', () => {
  const v4: UpdateMessage = {
    type: 'UPDATE',
    withdrawn: [],
    attributes: [
      { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
      { code: 2, flags: 0x40, name: 'AS_PATH', value: [] },
      { code: 3, flags: 0x40, name: 'NEXT_HOP', value: '192.0.2.1' },
    ],
    nlri: [{ prefix: '198.51.100.0/24', pathId: 1 }],
  }
  const v6: UpdateMessage = {
    type: 'UPDATE',
    withdrawn: [],
    attributes: [
      {
        code: 14,
        flags: 0x80,
        name: 'MP_REACH_NLRI',
        value: {
          afi: 2,
          safi: 1,
          family: 'ipv6-unicast',
          nextHop: ['2001:db8::1'],
          nlri: [{ prefix: '2001:db8::/32' } as IpPrefixNlri],
        },
      },
    ],
    nlri: [],
  }
  const v4Only = codecContext({ addPath: new Set([familyKey(1, 1)]) })

  it('is used when the UPDATE carries a family whose path ids the session negotiated', () => {
    expect(usesAddPath(encodeMessage(v4, v4Only), v4Only)).toBe(true)
    expect(usesAddPath(encodeMessage(v6, v4Only), v4Only)).toBe(false)
    expect(
      usesAddPath(
        encodeMessage(v6, codecContext({ addPath: new Set([familyKey(2, 1)]) })),
        codecContext({ addPath: new Set([familyKey(2, 1)]) }),
      ),
    ).toBe(true)
    const eor = encodeMessage({ type: 'UPDATE', withdrawn: [], attributes: [], nlri: [] }, v4Only)
    expect(usesAddPath(eor, v4Only)).toBe(false)
    expect(
      usesAddPath(
        encodeMessage({ ...v4, nlri: [{ prefix: '198.51.100.0/24' }] }, codecContext()),
        codecContext(),
      ),
    ).toBe(false)
  })
})

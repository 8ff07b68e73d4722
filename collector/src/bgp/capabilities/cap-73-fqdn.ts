// FQDN, code 73 (draft-walton-bgp-hostname-capability §3):
//
//   +--------------------+----------------+------------------+--------------+
//   | Hostname Len (1)   | Hostname       | Domain Len (1)   | Domain Name  |
//   +--------------------+----------------+------------------+--------------+

import { readShortString, shortStringSize, writeShortString } from './text.ts'
import type { CapabilityCodec } from './types.ts'

export const fqdn: CapabilityCodec<'FQDN'> = {
  code: 73,
  name: 'FQDN',
  decode(r) {
    const hostname = readShortString(r)
    const domain = r.pos < r.end ? readShortString(r) : ''
    return { hostname, domain }
  },
  size: (v) => shortStringSize(v.hostname) + shortStringSize(v.domain),
  encode(w, v) {
    writeShortString(w, v.hostname)
    writeShortString(w, v.domain)
  },
}

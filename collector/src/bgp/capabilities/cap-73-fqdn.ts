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
    // Some speakers send the hostname alone; the domain is then left out, so
    // that encoding gives back the octets received.
    return r.pos < r.end ? { hostname, domain: readShortString(r) } : { hostname }
  },
  size: (v) => shortStringSize(v.hostname) + (v.domain === undefined ? 0 : shortStringSize(v.domain)),
  encode(w, v) {
    writeShortString(w, v.hostname)
    if (v.domain !== undefined) writeShortString(w, v.domain)
  },
}

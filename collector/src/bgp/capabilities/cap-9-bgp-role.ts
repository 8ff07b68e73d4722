// BGP role, code 9 (RFC 9234 §4.1): one octet, 0 provider, 1 route server,
// 2 route-server client, 3 customer, 4 peer (lateral).

import { expectEnd, u8 } from '../../wire/reader.ts'
import { w8 } from '../../wire/writer.ts'
import type { BgpRole, CapabilityCodec } from './types.ts'

const ROLES: readonly BgpRole[] = ['provider', 'rs', 'rs-client', 'customer', 'peer']

export const bgpRole: CapabilityCodec<'BGP_ROLE'> = {
  code: 9,
  name: 'BGP_ROLE',
  decode(r) {
    const v = u8(r)
    expectEnd(r, 'BGP_ROLE')
    return ROLES[v] ?? v
  },
  size: () => 1,
  encode: (w, v) => w8(w, typeof v === 'number' ? v : ROLES.indexOf(v)),
}

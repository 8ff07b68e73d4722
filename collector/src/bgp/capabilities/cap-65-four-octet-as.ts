// Support for 4-octet AS numbers, code 65 (RFC 6793 §3): the sender's AS, 4 octets.

import { expectEnd, u32 } from '../../wire/reader.ts'
import { w32 } from '../../wire/writer.ts'
import type { CapabilityCodec } from './types.ts'

export const fourOctetAs: CapabilityCodec<'FOUR_OCTET_AS'> = {
  code: 65,
  name: 'FOUR_OCTET_AS',
  decode(r) {
    const asn = u32(r)
    expectEnd(r, 'FOUR_OCTET_AS')
    return { asn }
  },
  size: () => 4,
  encode: (w, v) => w32(w, v.asn),
}

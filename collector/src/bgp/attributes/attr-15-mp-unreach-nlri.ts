// MP_UNREACH_NLRI, type 15, optional non-transitive (RFC 4760 §4):
//
//   +---------------------------------------------------------+
//   | Address Family Identifier (2 octets)                    |
//   | Subsequent Address Family Identifier (1 octet)          |
//   | Withdrawn Routes (variable)                             |
//   +---------------------------------------------------------+
//
// With no withdrawn routes it is the End-of-RIB marker of its family (RFC 4724
// §2). Error handling as for MP_REACH_NLRI.

import type { Reader } from '../../wire/reader.ts'
import { w8, w16 } from '../../wire/writer.ts'
import type { CodecContext } from '../context.ts'
import { familyKey } from '../family.ts'
import { decodeNlriList, encodeNlriList, nlriListSize } from '../nlri/nlri-list.ts'
import { familyCodec } from '../nlri/registry.ts'
import type { Nlri } from '../nlri/types.ts'
import { readAfiSafi, withinFamily } from './attr-14-mp-reach-nlri.ts'
import type { AttributeCodec, MpUnreachNlri } from './types.ts'

function decodeMpUnreach(r: Reader, ctx: CodecContext): MpUnreachNlri {
  const { afi, safi, family } = readAfiSafi(r, 'MP_UNREACH_NLRI')
  const codec = familyCodec(afi, safi)
  const nlri = withinFamily(family, r.pos, () =>
    decodeNlriList(codec, r, ctx.addPath.has(familyKey(afi, safi)), true),
  )
  return { afi, safi, family, nlri }
}

export const mpUnreachNlri: AttributeCodec<'MP_UNREACH_NLRI'> = {
  code: 15,
  name: 'MP_UNREACH_NLRI',
  flags: 0x80,
  onError: 'afi-safi-disable',
  errorKind: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
  decode: decodeMpUnreach,
  size: (v, ctx) =>
    3 + nlriListSize(familyCodec(v.afi, v.safi), v.nlri as Nlri[], ctx.addPath.has(familyKey(v.afi, v.safi))),
  encode(w, v, ctx) {
    w16(w, v.afi)
    w8(w, v.safi)
    encodeNlriList(familyCodec(v.afi, v.safi), w, v.nlri as Nlri[], ctx.addPath.has(familyKey(v.afi, v.safi)))
  },
}

// ATTR_SET, type 128, optional transitive (RFC 6368 §5): path attributes of a
// customer VPN carried across a provider network.
//
//   +------------------------------+
//   | Origin AS (4 octets)         |
//   +------------------------------+
//   | Path Attributes (variable)   |
//   +------------------------------+
//
// RFC 7606 §7.16 (updating RFC 6368): a malformed ATTR_SET, including any
// malformation of the attributes inside it, is treat-as-withdraw.

import { u32 } from '../../wire/reader.ts'
import { w32 } from '../../wire/writer.ts'
import { CodecError } from '../errors.ts'
import {
  attributeListSize,
  decodeAttributeList,
  encodeAttributeList,
  type ProblemLog,
} from './attribute-list.ts'
import type { AttributeCodec } from './types.ts'

export const attrSet: AttributeCodec<'ATTR_SET'> = {
  code: 128,
  name: 'ATTR_SET',
  flags: 0xc0,
  onError: 'treat-as-withdraw',
  errorKind: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
  decode(r, ctx) {
    const originAs = u32(r)
    const inner: ProblemLog = { base: 0, list: [] }
    const attributes = decodeAttributeList(r, ctx, inner)
    const first = inner.list[0]
    if (first) {
      throw new CodecError(
        'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
        `ATTR_SET: ${first.reason}`,
        first.offset,
      )
    }
    return { originAs, attributes }
  },
  size: (v, ctx) => 4 + attributeListSize(v.attributes, ctx),
  encode(w, v, ctx) {
    w32(w, v.originAs)
    encodeAttributeList(w, v.attributes, ctx)
  },
}

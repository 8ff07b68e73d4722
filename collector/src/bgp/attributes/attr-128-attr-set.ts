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

// ATTR_SET inside ATTR_SET is legitimate (a VPN customer that is itself a
// provider), but only a few levels deep; a message can nest thousands, and each
// level is a recursion of the list decoder. Beyond this the ATTR_SET is
// malformed, before the stack is at risk.
const MAX_NESTING = 8
let nesting = 0

export const attrSet: AttributeCodec<'ATTR_SET'> = {
  code: 128,
  name: 'ATTR_SET',
  flags: 0xc0,
  onError: 'treat-as-withdraw',
  errorKind: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
  decode(r, ctx) {
    const originAs = u32(r)
    if (nesting >= MAX_NESTING) {
      throw new CodecError(
        'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
        `ATTR_SET nested more than ${MAX_NESTING} deep`,
        r.pos,
      )
    }
    const inner: ProblemLog = { base: 0, list: [] }
    let attributes: ReturnType<typeof decodeAttributeList>
    nesting++
    try {
      attributes = decodeAttributeList(r, ctx, inner)
    } finally {
      nesting--
    }
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

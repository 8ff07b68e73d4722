// Codec adapters for round-trip.ts: each wraps one level of the BGP codec (a
// whole message, one path attribute, a capability list, NLRI of a family) as
// a { size, encode, decode } triple for a given CodecContext. `decode` throws
// when the input decodes with any problem, so a round trip also proves that
// the input was clean; the tests that want problems call the codec directly.

import {
  attributeSize,
  decodeAttributeList,
  encodeAttribute,
  type ProblemLog,
} from '../src/bgp/attributes/attribute-list.ts'
import type { PathAttribute } from '../src/bgp/attributes/types.ts'
import {
  capabilityListSize,
  decodeCapabilityList,
  encodeCapabilityList,
} from '../src/bgp/capabilities/capability-list.ts'
import type { Capability } from '../src/bgp/capabilities/types.ts'
import type { CodecContext } from '../src/bgp/context.ts'
import type { Problem } from '../src/bgp/errors.ts'
import { type BgpMessage, decodeMessage, messageSize, writeMessage } from '../src/bgp/messages/message.ts'
import { decodeNlriList, encodeNlriList, nlriListSize } from '../src/bgp/nlri/nlri-list.ts'
import { familyCodec } from '../src/bgp/nlri/registry.ts'
import type { Nlri } from '../src/bgp/nlri/types.ts'
import type { Reader } from '../src/wire/reader.ts'
import type { Codec } from './round-trip.ts'

/** Thrown by the adapters when what they decoded came with problems. */
export class UnexpectedProblems extends Error {
  readonly problems: readonly Problem[]
  constructor(what: string, problems: readonly Problem[]) {
    super(`${what} decoded with problems: ${JSON.stringify(problems)}`)
    this.name = 'UnexpectedProblems'
    this.problems = problems
  }
}

function clean(what: string, log: ProblemLog): void {
  if (log.list.length) throw new UnexpectedProblems(what, log.list)
}

/** A whole message, header included. */
export function messageCodec(ctx: CodecContext): Codec<BgpMessage> {
  return {
    size: (m) => messageSize(m, ctx),
    encode: (w, m) => writeMessage(w, m, ctx),
    decode(r: Reader) {
      const res = decodeMessage(r.buf.subarray(0, r.end), ctx, r.pos)
      if (res.problems.length || !res.message) throw new UnexpectedProblems('message', res.problems)
      r.pos += res.length
      return res.message
    },
  }
}

/** Exactly one path attribute, header included (as it sits in an attribute list). */
export function attributeCodec(ctx: CodecContext): Codec<PathAttribute> {
  return {
    size: (a) => attributeSize(a, ctx),
    encode: (w, a) => encodeAttribute(w, a, ctx),
    decode(r) {
      const log: ProblemLog = { base: 0, list: [] }
      const list = decodeAttributeList(r, ctx, log)
      clean('attribute', log)
      if (list.length !== 1) throw new Error(`expected one attribute, decoded ${list.length}`)
      return list[0]!
    },
  }
}

/** The capabilities of one OPEN optional parameter of type 2. */
export const capabilityListCodec: Codec<Capability[]> = {
  size: (list) => capabilityListSize(list),
  encode: (w, list) => encodeCapabilityList(w, list),
  decode(r) {
    const log: ProblemLog = { base: 0, list: [] }
    const list = decodeCapabilityList(r, log)
    clean('capability list', log)
    return list
  },
}

/** An NLRI of any family's shape (tests build them as literals). */
export type AnyNlri = Nlri & Readonly<Record<string, unknown>>

/** A field of NLRI of one family (the tail of MP_REACH_NLRI, MP_UNREACH_NLRI, or an IPv4 field). */
export function nlriListCodec(
  afi: number,
  safi: number,
  options: { addPath: boolean; withdraw?: boolean },
): Codec<AnyNlri[]> {
  const family = familyCodec(afi, safi)
  return {
    size: (list) => nlriListSize(family, list, options.addPath),
    encode: (w, list) => encodeNlriList(family, w, list, options.addPath),
    decode: (r) => decodeNlriList(family, r, options.addPath, options.withdraw ?? false) as AnyNlri[],
  }
}

/** One NLRI of a family (a list codec that insists on exactly one entry). */
export function nlriCodec(
  afi: number,
  safi: number,
  options: { addPath: boolean; withdraw?: boolean },
): Codec<AnyNlri> {
  const list = nlriListCodec(afi, safi, options)
  return {
    size: (n) => list.size([n]),
    encode: (w, n) => list.encode(w, [n]),
    decode(r) {
      const out = list.decode(r)
      if (out.length !== 1) throw new Error(`expected one NLRI, decoded ${out.length}`)
      return out[0]!
    },
  }
}

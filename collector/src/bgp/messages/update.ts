// UPDATE, message type 2 (RFC 4271 §4.3):
//
//   +-----------------------------------------------------+
//   |   Withdrawn Routes Length (2 octets)                |
//   |   Withdrawn Routes (variable)                       |
//   |   Total Path Attribute Length (2 octets)            |
//   |   Path Attributes (variable)                        |
//   |   Network Layer Reachability Information (variable) |
//   +-----------------------------------------------------+
//
// The IPv4 unicast fields use that family's ADD-PATH setting (RFC 7911). RFC
// 7606: lengths that do not add up to the message, or an unparseable IPv4 NLRI
// or withdrawn field, reset the session (§4, §5.3); attribute problems are
// handled in attribute-list.ts; missing ORIGIN or AS_PATH (with any NLRI), or
// NEXT_HOP (with IPv4 NLRI), is treat-as-withdraw (§3(d)). NLRI are extracted
// whatever the attributes' state, so that treat-as-withdraw can be applied.

import { type Reader, take, u16, WireError } from '../../wire/reader.ts'
import { type Writer, w16 } from '../../wire/writer.ts'
import {
  attributeListSize,
  decodeAttributeList,
  encodeAttributeList,
  type ProblemLog,
  report,
} from '../attributes/attribute-list.ts'
import type { PathAttribute } from '../attributes/types.ts'
import type { CodecContext } from '../context.ts'
import { CodecError } from '../errors.ts'
import { IPV4_UNICAST } from '../family.ts'
import { decodeNlriList, encodeNlriList, nlriListSize } from '../nlri/nlri-list.ts'
import { familyCodec } from '../nlri/registry.ts'
import type { IpPrefixNlri } from '../nlri/types.ts'

export interface UpdateMessage {
  readonly type: 'UPDATE'
  /** Withdrawn Routes field: IPv4 unicast. */
  readonly withdrawn: readonly IpPrefixNlri[]
  readonly attributes: readonly PathAttribute[]
  /** NLRI field: IPv4 unicast. */
  readonly nlri: readonly IpPrefixNlri[]
  /** Set when the message is an End-of-RIB marker (RFC 4724 §2): the family's name. */
  readonly endOfRib?: string
}

const IPV4 = familyCodec(1, 1)

function ipv4Field(r: Reader, ctx: CodecContext, log: ProblemLog, withdraw: boolean): IpPrefixNlri[] {
  const out: IpPrefixNlri[] = []
  try {
    decodeNlriList(IPV4, r, ctx.addPath.has(IPV4_UNICAST), withdraw, out)
  } catch (e) {
    const offset = e instanceof CodecError || e instanceof WireError ? e.offset : r.pos
    const what = withdraw ? 'withdrawn routes' : 'NLRI'
    report(
      log,
      'NOTIFY.UPDATE.INVALID_NETWORK_FIELD',
      'session-reset',
      offset,
      `${what}: ${(e as Error).message}`,
    )
    // Nothing after an unparseable field can be located; it is not "trailing data" too.
    r.pos = r.end
  }
  return out as IpPrefixNlri[]
}

function endOfRib(u: Omit<UpdateMessage, 'endOfRib'>): string | undefined {
  if (u.withdrawn.length || u.nlri.length) return undefined
  if (u.attributes.length === 0) return 'ipv4-unicast'
  const only = u.attributes.length === 1 ? u.attributes[0]! : undefined
  if (only?.name === 'MP_UNREACH_NLRI' && only.value.nlri.length === 0) return only.value.family
  return undefined
}

function checkMandatory(u: Omit<UpdateMessage, 'endOfRib'>, log: ProblemLog, at: number): void {
  let origin = false
  let asPath = false
  let nextHop = false
  let mpNlri = false
  // A malformed attribute counts as present: its own problem already decides.
  for (const a of u.attributes) {
    const code = a.code
    if (code === 1) origin = true
    else if (code === 2) asPath = true
    else if (code === 3) nextHop = true
    else if (a.name === 'MP_REACH_NLRI' && a.value.nlri.length) mpNlri = true
  }
  if (!u.nlri.length && !mpNlri) return
  const missing = [!origin && 'ORIGIN', !asPath && 'AS_PATH', u.nlri.length && !nextHop && 'NEXT_HOP'].filter(
    Boolean,
  )
  if (missing.length) {
    report(
      log,
      'NOTIFY.UPDATE.MISSING_WELL_KNOWN_ATTRIBUTE',
      'treat-as-withdraw',
      at,
      `missing ${missing.join(', ')}`,
    )
  }
}

// RFC 7606 §4: lengths that do not fit the message leave nothing to locate.
// (A module function, not a closure: the loader's keepNames would rename a
// closure on every call, which costs more than the rest of the decode.)
function broken(
  r: Reader,
  log: ProblemLog,
  at: number,
  reason: string,
  withdrawn: readonly IpPrefixNlri[] = [],
): UpdateMessage {
  report(log, 'NOTIFY.UPDATE.MALFORMED_ATTRIBUTE_LIST', 'session-reset', at, reason)
  r.pos = r.end
  return { type: 'UPDATE', withdrawn, attributes: [], nlri: [] }
}

/** Decodes an UPDATE body r[pos..end) (after the 19-octet header). Never throws. */
export function decodeUpdateBody(r: Reader, ctx: CodecContext, log: ProblemLog): UpdateMessage {
  const bodyAt = r.pos
  if (r.end - r.pos < 4) return broken(r, log, bodyAt, 'UPDATE shorter than its two length fields')
  const wlen = u16(r)
  if (r.pos + wlen + 2 > r.end)
    return broken(r, log, bodyAt, `withdrawn routes length ${wlen} exceeds the message`)
  const withdrawn = wlen ? ipv4Field(take(r, wlen), ctx, log, true) : []
  const alenAt = r.pos
  const alen = u16(r)
  if (r.pos + alen > r.end) {
    return broken(r, log, alenAt, `total path attribute length ${alen} exceeds the message`, withdrawn)
  }
  const attributes = decodeAttributeList(take(r, alen), ctx, log)
  const nlri = r.pos < r.end ? ipv4Field(r, ctx, log, false) : []
  const u = { type: 'UPDATE' as const, withdrawn, attributes, nlri }
  checkMandatory(u, log, alenAt)
  const eor = endOfRib(u)
  return eor ? { ...u, endOfRib: eor } : u
}

export function updateBodySize(u: UpdateMessage, ctx: CodecContext): number {
  const addPath = ctx.addPath.has(IPV4_UNICAST)
  return (
    4 +
    nlriListSize(IPV4, u.withdrawn, addPath) +
    attributeListSize(u.attributes, ctx) +
    nlriListSize(IPV4, u.nlri, addPath)
  )
}

export function encodeUpdateBody(w: Writer, u: UpdateMessage, ctx: CodecContext): void {
  const addPath = ctx.addPath.has(IPV4_UNICAST)
  w16(w, nlriListSize(IPV4, u.withdrawn, addPath))
  encodeNlriList(IPV4, w, u.withdrawn, addPath)
  w16(w, attributeListSize(u.attributes, ctx))
  encodeAttributeList(w, u.attributes, ctx)
  encodeNlriList(IPV4, w, u.nlri, addPath)
}

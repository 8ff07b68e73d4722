// OPEN, message type 1 (RFC 4271 §4.2, RFC 9072 §2):
//
//   +----------------------------------------+
//   | Version (1) | My AS (2) | Hold Time (2)|
//   | BGP Identifier (4)                     |
//   | Opt Parm Len (1)                       |
//   | Optional Parameters (variable)         |
//   +----------------------------------------+
//
//   optional parameter: Type (1) | Length (1) | Value
//
// RFC 9072: when Opt Parm Len is 255 and the first parameter type is 255, a
// 2-octet extended length follows and every parameter has a 2-octet length.
// Capabilities are parameter type 2 (RFC 5492); other types are kept as hex.
// The codec checks syntax only; the session checks version, AS, identifier and
// hold time against its configuration (RFC 4271 §6.2).

import { hexOrThrow, toHex } from '../../wire/hex.ts'
import { formatIPv4 } from '../../wire/ip.ts'
import { bytes, type Reader, take, u8, u16 } from '../../wire/reader.ts'
import { type Writer, w8, w16, wbytes } from '../../wire/writer.ts'
import type { ProblemLog } from '../attributes/attribute-list.ts'
import { ipv4Bytes } from '../attributes/ipv4.ts'
import {
  capabilityListSize,
  decodeCapabilityList,
  encodeCapabilityList,
} from '../capabilities/capability-list.ts'
import type { Capability } from '../capabilities/types.ts'
import { CodecError } from '../errors.ts'

export type OptionalParameter =
  | { readonly type: 2; readonly capabilities: readonly Capability[] }
  | { readonly type: number; readonly hex: string }

export interface OpenMessage {
  readonly type: 'OPEN'
  readonly version: number
  /** The 2-octet My AS field (AS_TRANS 23456 when the real AS is in FOUR_OCTET_AS). */
  readonly asn: number
  readonly holdTime: number
  readonly bgpId: string
  readonly parameters: readonly OptionalParameter[]
  /** The RFC 9072 extended optional parameters encoding was used. */
  readonly extendedParameters?: true
}

export function decodeOpenBody(r: Reader, log: ProblemLog): OpenMessage {
  const version = u8(r)
  const asn = u16(r)
  const holdTime = u16(r)
  const bgpId = formatIPv4(bytes(r, 4))
  let optLen = u8(r)
  const extended = optLen === 255 && r.pos < r.end && r.buf[r.pos] === 255
  if (extended) {
    r.pos++
    optLen = u16(r)
  }
  const params = take(r, optLen, 'optional parameters')
  const parameters: OptionalParameter[] = []
  while (params.pos < params.end) {
    const type = u8(params)
    const len = extended ? u16(params) : u8(params)
    const v = take(params, len, `optional parameter ${type}`)
    if (type === 2) parameters.push({ type: 2, capabilities: decodeCapabilityList(v, log) })
    else parameters.push({ type, hex: toHex(v.buf, v.pos, v.end) })
  }
  const open: OpenMessage = { type: 'OPEN', version, asn, holdTime, bgpId, parameters }
  return extended ? { ...open, extendedParameters: true } : open
}

function paramValueSize(p: OptionalParameter): number {
  return 'capabilities' in p ? capabilityListSize(p.capabilities) : p.hex.length / 2
}

export function openBodySize(o: OpenMessage): number {
  const perParam = o.extendedParameters ? 3 : 2
  const params = o.parameters.reduce((n, p) => n + perParam + paramValueSize(p), 0)
  return 10 + (o.extendedParameters ? 3 : 0) + params
}

export function encodeOpenBody(w: Writer, o: OpenMessage): void {
  w8(w, o.version)
  w16(w, o.asn)
  w16(w, o.holdTime)
  wbytes(w, ipv4Bytes(o.bgpId))
  const perParam = o.extendedParameters ? 3 : 2
  const params = o.parameters.reduce((n, p) => n + perParam + paramValueSize(p), 0)
  if (o.extendedParameters) {
    w8(w, 255)
    w8(w, 255)
    w16(w, params)
  } else {
    // RFC 9072 exists for this: without it the parameters must fit one octet.
    if (params > 255) {
      throw new CodecError(
        'NOTIFY.OPEN.UNSPECIFIC',
        `optional parameters of ${params} octets need extendedParameters`,
        w.pos,
      )
    }
    w8(w, params)
  }
  for (const p of o.parameters) {
    w8(w, p.type)
    if (o.extendedParameters) w16(w, paramValueSize(p))
    else w8(w, paramValueSize(p))
    if ('capabilities' in p) encodeCapabilityList(w, p.capabilities)
    else wbytes(w, hexOrThrow(p.hex, 'optional parameter'))
  }
}

/** All capabilities of an OPEN, across its parameters, in order. */
export function openCapabilities(o: OpenMessage): Capability[] {
  const out: Capability[] = []
  for (const p of o.parameters) if ('capabilities' in p) out.push(...p.capabilities)
  return out
}

/** The speaker's AS: the FOUR_OCTET_AS capability's when present (RFC 6793 §3), else My AS. */
export function openAsn(o: OpenMessage): number {
  for (const c of openCapabilities(o)) if (c.name === 'FOUR_OCTET_AS') return c.value.asn
  return o.asn
}

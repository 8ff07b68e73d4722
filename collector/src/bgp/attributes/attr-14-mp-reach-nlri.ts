// MP_REACH_NLRI, type 14, optional non-transitive (RFC 4760 §3):
//
//   +---------------------------------------------------------+
//   | Address Family Identifier (2 octets)                    |
//   | Subsequent Address Family Identifier (1 octet)          |
//   | Length of Next Hop Network Address (1 octet)            |
//   | Network Address of Next Hop (variable)                  |
//   | Reserved (1 octet) — number of SNPAs in RFC 2858        |
//   | Network Layer Reachability Information (variable)       |
//   +---------------------------------------------------------+
//
// RFC 7606 §7.11 and RFC 4760 §7: when AFI/SAFI cannot even be read the
// session is reset; a next hop whose length does not fit the family, or NLRI
// that cannot be parsed, make the NLRI unlocatable: AFI/SAFI disable.

import { hexOrThrow, toHex } from '../../wire/hex.ts'
import { bytes, type Reader, take, u8, u16, WireError } from '../../wire/reader.ts'
import { w8, w16, wbytes } from '../../wire/writer.ts'
import type { CodecContext } from '../context.ts'
import { CodecError } from '../errors.ts'
import { familyKey, familyName } from '../family.ts'
import { decodeNextHop, encodeNextHop } from '../nlri/next-hop.ts'
import { decodeNlriList, encodeNlriList, nlriListSize } from '../nlri/nlri-list.ts'
import { familyCodec } from '../nlri/registry.ts'
import type { Nlri } from '../nlri/types.ts'
import type { AttributeCodec, MpReachNlri } from './types.ts'

/** Runs a family-level decode step, turning any failure into an AFI/SAFI-disable problem. */
export function withinFamily<T>(family: string, at: number, step: () => T): T {
  try {
    return step()
  } catch (e) {
    if (e instanceof CodecError) {
      throw new CodecError(
        e.kind === 'NOTIFY.UPDATE.UNSPECIFIC' ? 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR' : e.kind,
        `${family}: ${e.message}`,
        e.offset,
        'afi-safi-disable',
        family,
      )
    }
    if (e instanceof WireError) {
      throw new CodecError(
        'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
        `${family}: ${e.message}`,
        e.offset,
        'afi-safi-disable',
        family,
      )
    }
    throw new CodecError(
      'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
      `${family}: ${String(e)}`,
      at,
      'afi-safi-disable',
      family,
    )
  }
}

export function readAfiSafi(r: Reader, name: string): { afi: number; safi: number; family: string } {
  if (r.end - r.pos < 3) {
    throw new CodecError(
      'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
      `${name} too short for AFI/SAFI`,
      r.pos,
      'session-reset',
    )
  }
  const afi = u16(r)
  const safi = u8(r)
  return { afi, safi, family: familyName(afi, safi) }
}

function decodeMpReach(r: Reader, ctx: CodecContext): MpReachNlri {
  const { afi, safi, family } = readAfiSafi(r, 'MP_REACH_NLRI')
  const codec = familyCodec(afi, safi)
  return withinFamily(family, r.pos, () => {
    const nhLen = u8(r)
    const nhAt = r.pos
    const nh = decodeNextHop(codec.nextHop, bytes(r, nhLen), nhAt)
    const snpaCount = u8(r)
    const snpa: string[] = []
    for (let i = 0; i < snpaCount; i++) {
      const semi = u8(r)
      snpa.push(toHex(r.buf, r.pos - 1, r.pos + ((semi + 1) >> 1)))
      take(r, (semi + 1) >> 1, 'SNPA')
    }
    const nlri = decodeNlriList(codec, r, ctx.addPath.has(familyKey(afi, safi)), false)
    return { afi, safi, family, ...nh, ...(snpaCount ? { snpa } : {}), nlri }
  })
}

function parts(v: MpReachNlri, ctx: CodecContext) {
  const codec = familyCodec(v.afi, v.safi)
  const nh = encodeNextHop(codec.nextHop, v)
  const snpa = (v.snpa ?? []).map((s) => hexOrThrow(s, 'SNPA'))
  const addPath = ctx.addPath.has(familyKey(v.afi, v.safi))
  return { codec, nh, snpa, addPath }
}

export const mpReachNlri: AttributeCodec<'MP_REACH_NLRI'> = {
  code: 14,
  name: 'MP_REACH_NLRI',
  flags: 0x80,
  onError: 'afi-safi-disable',
  errorKind: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
  decode: decodeMpReach,
  size(v, ctx) {
    const p = parts(v, ctx)
    return (
      5 +
      p.nh.length +
      p.snpa.reduce((n, s) => n + s.length, 0) +
      nlriListSize(p.codec, v.nlri as Nlri[], p.addPath)
    )
  },
  encode(w, v, ctx) {
    const p = parts(v, ctx)
    w16(w, v.afi)
    w8(w, v.safi)
    w8(w, p.nh.length)
    wbytes(w, p.nh)
    w8(w, p.snpa.length)
    for (const s of p.snpa) wbytes(w, s)
    encodeNlriList(p.codec, w, v.nlri as Nlri[], p.addPath)
  },
}

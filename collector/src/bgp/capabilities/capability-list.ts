// The capabilities inside one OPEN optional parameter of type 2 (RFC 5492 §4).
// A capability whose value does not decode is kept as MALFORMED with its
// octets, and reported: a passive collector should still see what was sent.

import { hexOrThrow, toHex } from '../../wire/hex.ts'
import { type Reader, take, u8, WireError } from '../../wire/reader.ts'
import { type Writer, w8, wbytes } from '../../wire/writer.ts'
import { type ProblemLog, report } from '../attributes/attribute-list.ts'
import { CodecError } from '../errors.ts'
import { capabilityCodec } from './registry.ts'
import type { Capability, CapabilityCodec } from './types.ts'

export function decodeCapabilityList(r: Reader, log: ProblemLog): Capability[] {
  const out: Capability[] = []
  while (r.pos < r.end) {
    const at = r.pos
    const code = u8(r)
    const len = u8(r)
    const v = take(r, len, `capability ${code}`)
    const codec = capabilityCodec(code)
    if (!codec) {
      out.push({ code, name: 'UNKNOWN', value: toHex(r.buf, v.pos, v.end) })
      continue
    }
    try {
      const value = codec.decode(v)
      if (v.pos !== v.end)
        throw new WireError('invalid', v.pos, `${codec.name}: ${v.end - v.pos} trailing octets`)
      out.push({ code, name: codec.name, value } as Capability)
    } catch (e) {
      if (!(e instanceof WireError || e instanceof CodecError)) throw e
      report(
        log,
        'NOTIFY.OPEN.UNSPECIFIC',
        'session-reset',
        e.offset,
        `capability ${codec.name}: ${e.message}`,
      )
      out.push({
        code,
        name: 'MALFORMED',
        value: { error: 'NOTIFY.OPEN.UNSPECIFIC', hex: toHex(r.buf, at + 2, v.end) },
      })
    }
  }
  return out
}

function valueOctets(c: Capability): number {
  if (c.name === 'UNKNOWN') return c.value.length / 2
  if (c.name === 'MALFORMED') return c.value.hex.length / 2
  return (capabilityCodec(c.code) as CapabilityCodec).size(c.value as never)
}

export function capabilityListSize(list: readonly Capability[]): number {
  let n = 0
  for (const c of list) n += 2 + valueOctets(c)
  return n
}

export function encodeCapabilityList(w: Writer, list: readonly Capability[]): void {
  for (const c of list) {
    w8(w, c.code)
    w8(w, valueOctets(c))
    if (c.name === 'UNKNOWN') wbytes(w, hexOrThrow(c.value, 'capability'))
    else if (c.name === 'MALFORMED') wbytes(w, hexOrThrow(c.value.hex, 'capability'))
    else (capabilityCodec(c.code) as CapabilityCodec).encode(w, c.value as never)
  }
}

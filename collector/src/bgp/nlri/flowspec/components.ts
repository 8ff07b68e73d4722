// The component list of a FlowSpec NLRI (RFC 8955 §4.2): components in
// strictly increasing type order, each type at most once; the list fills the
// NLRI exactly. A component out of order or repeated, or of a type not
// defined for the AFI (whose length is then unknown, so nothing after it can
// be located), makes the NLRI malformed (RFC 8955 §4.2, §10). Inside
// MP_REACH_NLRI / MP_UNREACH_NLRI that is RFC 7606 §5.3 / RFC 4760 §7:
// AFI/SAFI disable — the attribute decoder (withinFamily) applies it.

import { type Reader, u8, WireError } from '../../../wire/reader.ts'
import type { Writer } from '../../../wire/writer.ts'
import { CodecError } from '../../errors.ts'
import {
  bitmaskComponentSize,
  bitmaskText,
  decodeBitmaskComponent,
  encodeBitmaskComponent,
} from './bitmask-components.ts'
import {
  decodeNumericComponent,
  encodeNumericComponent,
  numericComponentSize,
  numericText,
} from './numeric-components.ts'
import {
  decodePrefixComponent,
  encodePrefixComponent,
  prefixComponentSize,
  prefixText,
} from './prefix-components.ts'
import {
  componentInfo,
  type FlowspecBitmaskComponent,
  type FlowspecBitmaskType,
  type FlowspecComponent,
  type FlowspecNumericComponent,
  type FlowspecNumericType,
  type FlowspecPrefixComponent,
  type FlowspecPrefixType,
} from './types.ts'

function malformed(reason: string, at: number): CodecError {
  return new CodecError('NOTIFY.UPDATE.INVALID_NETWORK_FIELD', `FlowSpec: ${reason}`, at)
}

/**
 * Decodes the components filling r (after the NLRI length and any RD). An
 * IPv6 rule that cannot be read as RFC 8956 says is read again with prefix
 * components as ExaBGP and Wireshark write them (prefix-components.ts); that
 * reading is kept only if it succeeds and differs, else the first error stands.
 */
export function decodeComponents(r: Reader, afi: 1 | 2): FlowspecComponent[] {
  const start = r.pos
  try {
    return decodeList(r, afi, false)
  } catch (e) {
    if (afi !== 2 || !(e instanceof CodecError || e instanceof WireError)) throw e
    r.pos = start
    let again: FlowspecComponent[] | undefined
    try {
      again = decodeList(r, afi, true)
    } catch {
      again = undefined
    }
    if (again?.some((c) => 'fullPrefix' in c)) return again
    throw e
  }
}

function decodeList(r: Reader, afi: 1 | 2, fullPrefix: boolean): FlowspecComponent[] {
  const out: FlowspecComponent[] = []
  let previous = 0
  while (r.pos < r.end) {
    const at = r.pos
    const type = u8(r)
    const info = componentInfo(type, afi)
    if (!info) throw malformed(`unknown component type ${type}`, at)
    if (type <= previous) throw malformed(`component type ${type} after type ${previous}`, at)
    previous = type
    const name = info.names[afi - 1]!
    if (info.kind === 'prefix') {
      out.push(decodePrefixComponent(r, type as FlowspecPrefixType, name, afi, fullPrefix))
    } else if (info.kind === 'numeric') out.push(decodeNumericComponent(r, type as FlowspecNumericType, name))
    else out.push(decodeBitmaskComponent(r, type as FlowspecBitmaskType, name))
  }
  return out
}

function kindOf(c: FlowspecComponent, afi: 1 | 2) {
  const info = componentInfo(c.type, afi)
  if (!info) throw malformed(`unknown component type ${c.type}`, 0)
  const shaped = info.kind === 'prefix' ? 'prefix' in c : 'operators' in c && Array.isArray(c.operators)
  if (!shaped)
    throw malformed(`component type ${c.type} needs ${info.kind === 'prefix' ? 'a prefix' : 'operators'}`, 0)
  return info.kind
}

export function componentsSize(list: readonly FlowspecComponent[], afi: 1 | 2): number {
  let n = 0
  for (const c of list) {
    const kind = kindOf(c, afi)
    if (kind === 'prefix') n += prefixComponentSize(c as FlowspecPrefixComponent, afi)
    else if (kind === 'numeric') n += numericComponentSize(c as FlowspecNumericComponent)
    else n += bitmaskComponentSize(c as FlowspecBitmaskComponent)
  }
  return n
}

export function encodeComponents(w: Writer, list: readonly FlowspecComponent[], afi: 1 | 2): void {
  let previous = 0
  for (const c of list) {
    if (c.type <= previous) throw malformed(`component type ${c.type} after type ${previous}`, w.pos)
    previous = c.type
    const kind = kindOf(c, afi)
    if (kind === 'prefix') encodePrefixComponent(w, c as FlowspecPrefixComponent, afi)
    else if (kind === 'numeric') encodeNumericComponent(w, c as FlowspecNumericComponent)
    else encodeBitmaskComponent(w, c as FlowspecBitmaskComponent)
  }
}

/** `keyword value` per component, as ExaBGP writes a flow (without its leading `flow`). */
export function componentsText(list: readonly FlowspecComponent[], afi: 1 | 2): string {
  const parts: string[] = []
  for (const c of list) {
    const info = componentInfo(c.type, afi)
    const keyword = info?.keywords[afi - 1] ?? `type-${c.type}`
    const kind = info?.kind
    const value =
      kind === 'prefix'
        ? prefixText(c as FlowspecPrefixComponent, afi)
        : kind === 'numeric'
          ? numericText(c as FlowspecNumericComponent)
          : bitmaskText(c as FlowspecBitmaskComponent)
    parts.push(`${keyword} ${value}`)
  }
  return parts.join(' ')
}

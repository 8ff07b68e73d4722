// The "administrator:assigned" extended communities of RFC 4360 §4, RFC 5668
// and RFC 7153 §5: the type octet says the layout (0x00/0x40 2-octet AS,
// 0x01/0x41 IPv4 address, 0x02/0x42 4-octet AS; 0x40 set = non-transitive),
// the subtype says the meaning.

import { formatAdminAssigned, parseAdminAssigned } from '../../../wire/rd.ts'
import { CodecError } from '../../errors.ts'
import type { AdminAssignedEc, AdminAssignedName, EcKind } from './types.ts'

const LAYOUT_TYPES = [0x00, 0x01, 0x02, 0x40, 0x41, 0x42]

/** subtype → [name, text prefix] */
const SUBTYPES: Readonly<Record<number, readonly [AdminAssignedName, string]>> = {
  2: ['route-target', 'target'],
  3: ['route-origin', 'origin'],
  5: ['ospf-domain-id', 'ospf-domain'],
  7: ['ospf-route-id', 'ospf-router'],
  8: ['bgp-data-collection', 'collection'],
  9: ['source-as', 'source-as'],
  10: ['l2vpn-id', 'l2vpn-id'],
  11: ['vrf-route-import', 'rt-import'],
  16: ['vpn-distinguisher', 'vpn-distinguisher'],
}

const PREFIX_OF = new Map(Object.values(SUBTYPES).map(([name, prefix]) => [name, prefix]))

export const adminAssigned: EcKind<AdminAssignedEc> = {
  codes: LAYOUT_TYPES.flatMap((t) => Object.keys(SUBTYPES).map((s) => (t << 8) | Number(s))),
  decode(type, subtype, value) {
    const text = formatAdminAssigned(type & 0x0f, value, 0)
    const sub = SUBTYPES[subtype]
    return text && sub ? { type, subtype, name: sub[0], value: text } : undefined
  },
  encode(e) {
    const v = parseAdminAssigned(e.value, e.type & 0x0f)
    if (!v) throw new CodecError('NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', `not ${e.name} ${e.value}`, 0)
    return v.bytes
  },
  format: (e) => `${PREFIX_OF.get(e.name) ?? e.name}:${e.value}`,
}

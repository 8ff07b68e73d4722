// Numbers from the IANA "Multi-Threaded Routing Toolkit (MRT)" registry
// (RFC 6396 §4, RFC 8050 §3, RFC 6397), named as IANA names them.
//
// Deprecated types are listed too (RFC 6396 Appendix B): the legacy `BGP`
// type 5 still appears in RIPE RIS files from 1999-2001 and bgpdump prints it.

export const MRT_HEADER_LENGTH = 12
/** Extended-timestamp types carry a 4-octet microsecond field after the header (RFC 6396 §3). */
export const MRT_ET_HEADER_LENGTH = 16

export const MRT_TYPE = {
  NULL: 0,
  START: 1,
  DIE: 2,
  I_AM_DEAD: 3,
  PEER_DOWN: 4,
  BGP: 5,
  RIP: 6,
  IDRP: 7,
  RIPNG: 8,
  BGP4PLUS: 9,
  BGP4PLUS_01: 10,
  OSPFV2: 11,
  TABLE_DUMP: 12,
  TABLE_DUMP_V2: 13,
  BGP4MP: 16,
  BGP4MP_ET: 17,
  ISIS: 32,
  ISIS_ET: 33,
  OSPFV3: 48,
  OSPFV3_ET: 49,
} as const

/** TABLE_DUMP subtypes: the AFI of the entry (RFC 6396 §4.2). */
export const TABLE_DUMP_SUBTYPE = {
  AFI_IPv4: 1, // RFC 6396 §4.2 spells these two with a lower-case v
  AFI_IPv6: 2,
} as const

export const TABLE_DUMP_V2_SUBTYPE = {
  PEER_INDEX_TABLE: 1,
  RIB_IPV4_UNICAST: 2,
  RIB_IPV4_MULTICAST: 3,
  RIB_IPV6_UNICAST: 4,
  RIB_IPV6_MULTICAST: 5,
  RIB_GENERIC: 6,
  GEO_PEER_TABLE: 7, // RFC 6397, carried raw
  RIB_IPV4_UNICAST_ADDPATH: 8, // RFC 8050
  RIB_IPV4_MULTICAST_ADDPATH: 9,
  RIB_IPV6_UNICAST_ADDPATH: 10,
  RIB_IPV6_MULTICAST_ADDPATH: 11,
  RIB_GENERIC_ADDPATH: 12,
} as const

/** BGP4MP and BGP4MP_ET share their subtypes (RFC 6396 §4.4, RFC 8050 §3). */
export const BGP4MP_SUBTYPE = {
  STATE_CHANGE: 0,
  MESSAGE: 1,
  ENTRY: 2, // deprecated
  SNAPSHOT: 3, // deprecated
  MESSAGE_AS4: 4,
  STATE_CHANGE_AS4: 5,
  MESSAGE_LOCAL: 6,
  MESSAGE_AS4_LOCAL: 7,
  MESSAGE_ADDPATH: 8,
  MESSAGE_AS4_ADDPATH: 9,
  MESSAGE_LOCAL_ADDPATH: 10,
  MESSAGE_AS4_LOCAL_ADDPATH: 11,
} as const

/** The deprecated BGP type 5 (RFC 6396 Appendix B.2.1, from the MRT programmer's guide). */
export const BGP_SUBTYPE = {
  BGP_NULL: 0,
  BGP_UPDATE: 1,
  BGP_PREF_UPDATE: 2,
  BGP_STATE_CHANGE: 3,
  BGP_SYNC: 4,
  BGP_OPEN: 5,
  BGP_NOTIFY: 6,
  BGP_KEEPALIVE: 7,
} as const

/** PEER_INDEX_TABLE peer type bits (RFC 6396 §4.3.1). */
export const PEER_TYPE = {
  IPV6: 0x01,
  AS4: 0x02,
} as const

/** BGP FSM states in STATE_CHANGE records (RFC 6396 §4.4.1). */
export const BGP_STATE = {
  IDLE: 1,
  CONNECT: 2,
  ACTIVE: 3,
  OPEN_SENT: 4,
  OPEN_CONFIRM: 5,
  ESTABLISHED: 6,
} as const

function invert(table: Readonly<Record<string, number>>): ReadonlyMap<number, string> {
  const m = new Map<number, string>()
  for (const [name, code] of Object.entries(table)) {
    if (m.has(code)) throw new Error(`MRT code ${code} named twice`)
    m.set(code, name)
  }
  return m
}

const TYPE_NAMES = invert(MRT_TYPE)
const SUBTYPE_NAMES = new Map<number, ReadonlyMap<number, string>>([
  [MRT_TYPE.BGP, invert(BGP_SUBTYPE)],
  [MRT_TYPE.TABLE_DUMP, invert(TABLE_DUMP_SUBTYPE)],
  [MRT_TYPE.TABLE_DUMP_V2, invert(TABLE_DUMP_V2_SUBTYPE)],
  [MRT_TYPE.BGP4MP, invert(BGP4MP_SUBTYPE)],
  [MRT_TYPE.BGP4MP_ET, invert(BGP4MP_SUBTYPE)],
])
const STATE_NAMES = invert(BGP_STATE)

/** The IANA name of a type, or `MRT_TYPE_N`. */
export function mrtTypeName(type: number): string {
  return TYPE_NAMES.get(type) ?? `MRT_TYPE_${type}`
}

/** The IANA name of a subtype within its type, or `SUBTYPE_N`. */
export function mrtSubtypeName(type: number, subtype: number): string {
  return SUBTYPE_NAMES.get(type)?.get(subtype) ?? `SUBTYPE_${subtype}`
}

export function bgpStateName(state: number): string {
  return STATE_NAMES.get(state) ?? `STATE_${state}`
}

/** Types whose header carries the microsecond field. */
export function isExtendedTimestamp(type: number): boolean {
  return type === MRT_TYPE.BGP4MP_ET || type === MRT_TYPE.ISIS_ET || type === MRT_TYPE.OSPFV3_ET
}

// Numbers of the IANA "BGP Monitoring Protocol (BMP) Parameters" registries
// (RFC 7854 §10, RFC 8671 §6, RFC 9069 §8), named as the RFCs name them.

/** The only version RFC 7854 defines (§4.1); versions 1 and 2 were drafts with another header. */
export const BMP_VERSION = 3

/** Common header: version (1), message length (4), message type (1). */
export const BMP_COMMON_HEADER_LENGTH = 6

/** Per-peer header (RFC 7854 §4.2): type, flags, distinguisher, address, AS, BGP id, timestamp. */
export const BMP_PEER_HEADER_LENGTH = 42

/** Message types (RFC 7854 §4.1). */
export const BMP_MESSAGE_TYPE = {
  ROUTE_MONITORING: 0,
  STATISTICS_REPORT: 1,
  PEER_DOWN: 2,
  PEER_UP: 3,
  INITIATION: 4,
  TERMINATION: 5,
  ROUTE_MIRRORING: 6,
} as const

/** Peer types (RFC 7854 §4.2, RFC 9069 §4.1). */
export const BMP_PEER_TYPE = {
  GLOBAL_INSTANCE: 0,
  RD_INSTANCE: 1,
  LOCAL_INSTANCE: 2,
  LOC_RIB_INSTANCE: 3,
} as const

/**
 * Per-peer header flags (RFC 7854 §4.2, RFC 8671 §4), bits counted from the
 * most significant: V (IPv6 peer address), L (post-policy), A (2-octet
 * AS_PATH, the legacy format), O (Adj-RIB-Out). A Loc-RIB peer (type 3) has
 * one flag of its own in the top bit, F (the Loc-RIB is filtered, RFC 9069
 * §4.2). No RFC defines an ADD-PATH flag: a station learns which families
 * carry path identifiers from the OPENs of the Peer Up (RFC 7911 §4 applied
 * to them; RFC 9069 §5.4: for a Loc-RIB peer, the capability's presence).
 */
export const BMP_PEER_FLAG = {
  V: 0x80,
  L: 0x40,
  A: 0x20,
  O: 0x10,
  /** Loc-RIB peers only. */
  F: 0x80,
} as const

/** Information TLV types of Initiation and Peer Up (RFC 7854 §4.4, RFC 9069 §4.4, RFC 8671 §5). */
export const BMP_INFO_TLV = {
  STRING: 0,
  SYS_DESCR: 1,
  SYS_NAME: 2,
  VRF_TABLE_NAME: 3,
  ADMIN_LABEL: 4,
} as const

/** Termination TLV types (RFC 7854 §4.5). */
export const BMP_TERMINATION_TLV = {
  STRING: 0,
  REASON: 1,
} as const

/** Termination reasons (RFC 7854 §4.5). */
export const BMP_TERMINATION_REASON = {
  ADMINISTRATIVELY_CLOSED: 0,
  UNSPECIFIED: 1,
  OUT_OF_RESOURCES: 2,
  REDUNDANT_CONNECTION: 3,
  PERMANENTLY_ADMINISTRATIVELY_CLOSED: 4,
} as const

/** Peer Down reasons (RFC 7854 §4.9, RFC 9069 §4.6). */
export const BMP_PEER_DOWN_REASON = {
  /** The local system closed the session; the NOTIFICATION it sent follows. */
  LOCAL_NOTIFICATION: 1,
  /** The local system closed the session without a NOTIFICATION; a 2-octet FSM event code follows. */
  LOCAL_NO_NOTIFICATION: 2,
  /** The remote system closed the session with a NOTIFICATION, which follows. */
  REMOTE_NOTIFICATION: 3,
  /** The remote system closed the session without a NOTIFICATION. */
  REMOTE_NO_DATA: 4,
  /** Information for this peer will no longer be sent (de-configured). */
  PEER_DE_CONFIGURED: 5,
  /** RFC 9069: the local system closed a Loc-RIB instance; Information TLVs follow. */
  LOCAL_SYSTEM_CLOSED_TLV: 6,
} as const

/** Route Mirroring TLV types and Information codes (RFC 7854 §4.7). */
export const BMP_MIRRORING_TLV = {
  BGP_MESSAGE: 0,
  INFORMATION: 1,
} as const

export const BMP_MIRRORING_INFORMATION = {
  ERRORED_PDU: 0,
  MESSAGES_LOST: 1,
} as const

/** Statistics types (RFC 7854 §4.8, RFC 8671 §5). */
export const BMP_STAT_TYPE = {
  REJECTED_PREFIXES: 0,
  DUPLICATE_PREFIX_ADVERTISEMENTS: 1,
  DUPLICATE_WITHDRAWS: 2,
  INVALIDATED_CLUSTER_LIST_LOOP: 3,
  INVALIDATED_AS_PATH_LOOP: 4,
  INVALIDATED_ORIGINATOR_ID: 5,
  INVALIDATED_AS_CONFED_LOOP: 6,
  ADJ_RIBS_IN_ROUTES: 7,
  LOC_RIB_ROUTES: 8,
  PER_AFI_SAFI_ADJ_RIB_IN_ROUTES: 9,
  PER_AFI_SAFI_LOC_RIB_ROUTES: 10,
  TREAT_AS_WITHDRAW_UPDATES: 11,
  TREAT_AS_WITHDRAW_PREFIXES: 12,
  DUPLICATE_UPDATES: 13,
  PRE_POLICY_ADJ_RIB_OUT_ROUTES: 14,
  POST_POLICY_ADJ_RIB_OUT_ROUTES: 15,
  PER_AFI_SAFI_PRE_POLICY_ADJ_RIB_OUT_ROUTES: 16,
  PER_AFI_SAFI_POST_POLICY_ADJ_RIB_OUT_ROUTES: 17,
} as const

/**
 * How each statistic's value is laid out: a 32-bit counter, a 64-bit gauge,
 * or AFI (2) + SAFI (1) + a 64-bit gauge. Types not listed are carried raw.
 */
export const BMP_STAT_LAYOUT: Readonly<Record<number, 'counter' | 'gauge' | 'afi-safi-gauge'>> = {
  0: 'counter',
  1: 'counter',
  2: 'counter',
  3: 'counter',
  4: 'counter',
  5: 'counter',
  6: 'counter',
  7: 'gauge',
  8: 'gauge',
  9: 'afi-safi-gauge',
  10: 'afi-safi-gauge',
  11: 'counter',
  12: 'counter',
  13: 'counter',
  14: 'gauge',
  15: 'gauge',
  16: 'afi-safi-gauge',
  17: 'afi-safi-gauge',
}

function invert(table: Readonly<Record<string, number>>): ReadonlyMap<number, string> {
  return new Map(Object.entries(table).map(([k, v]) => [v, k]))
}

const MESSAGE_NAMES = invert(BMP_MESSAGE_TYPE)
const PEER_TYPE_NAMES = invert(BMP_PEER_TYPE)
const PEER_DOWN_NAMES = invert(BMP_PEER_DOWN_REASON)
const STAT_NAMES = invert(BMP_STAT_TYPE)
const TERMINATION_NAMES = invert(BMP_TERMINATION_REASON)

export function bmpMessageTypeName(type: number): string {
  return MESSAGE_NAMES.get(type) ?? `TYPE_${type}`
}

export function bmpPeerTypeName(type: number): string {
  return PEER_TYPE_NAMES.get(type) ?? `PEER_TYPE_${type}`
}

export function bmpPeerDownReasonName(reason: number): string {
  return PEER_DOWN_NAMES.get(reason) ?? `REASON_${reason}`
}

export function bmpStatTypeName(type: number): string {
  return STAT_NAMES.get(type) ?? `STAT_${type}`
}

export function bmpTerminationReasonName(reason: number): string {
  return TERMINATION_NAMES.get(reason) ?? `REASON_${reason}`
}

// FlowSpec NLRI shapes (RFC 8955 §4, RFC 8956 §3) and the component table.
// A FlowSpec NLRI is a list of components in strictly increasing type order;
// each is a prefix (types 1, 2), a list of numeric operators (3–8, 10, 11,
// 13) or a list of bitmask operators (9, 12). Every bit of an operator octet
// has a named field, so the JSON says what the wire said and encoding
// reproduces it; the operator value keeps the length it was sent with.

/**
 * Numeric operator (RFC 8955 §4.2.1.1):
 *
 *    0   1   2   3   4   5   6   7
 *  +---+---+---+---+---+---+---+---+
 *  | e | a |  len  | 0 |lt |gt |eq |
 *  +---+---+---+---+---+---+---+---+
 */
export interface NumericOperator {
  /** e: end of list; set on the last operator of the component (the encoder sets it from the position). */
  readonly end: boolean
  /** a: ANDed with the previous operator; otherwise ORed. */
  readonly and: boolean
  /** Octets of the value (the len field is log2 of it). */
  readonly length: 1 | 2 | 4 | 8
  readonly lt: boolean
  readonly gt: boolean
  readonly eq: boolean
  /** The reserved bit (0x08) when it was sent set; senders send 0, receivers ignore it. */
  readonly reserved?: number
  /** A number for 1-, 2- and 4-octet values, a bigint for 8-octet ones. */
  readonly value: number | bigint
}

/**
 * Bitmask operator (RFC 8955 §4.2.1.2):
 *
 *    0   1   2   3   4   5   6   7
 *  +---+---+---+---+---+---+---+---+
 *  | e | a |  len  | 0 | 0 |not| m |
 *  +---+---+---+---+---+---+---+---+
 */
export interface BitmaskOperator {
  readonly end: boolean
  readonly and: boolean
  readonly length: 1 | 2 | 4 | 8
  /** not: the result of the test is negated. */
  readonly not: boolean
  /** m: match: every bit of the value must be set (otherwise any one of them). */
  readonly match: boolean
  /** The reserved bits (0x0c) when any was sent set. */
  readonly reserved?: number
  readonly value: number | bigint
}

export type FlowspecPrefixType = 1 | 2
export type FlowspecNumericType = 3 | 4 | 5 | 6 | 7 | 8 | 10 | 11 | 13
export type FlowspecBitmaskType = 9 | 12

/** Types 1 and 2: destination and source prefix. */
export interface FlowspecPrefixComponent {
  readonly type: FlowspecPrefixType
  readonly name: string
  /**
   * IPv4: the prefix, host bits as sent. IPv6 (RFC 8956 §3.1): the address
   * with the pattern bits placed at [offset, length), as sent, and /length.
   */
  readonly prefix: string
  /** IPv6 only: the pattern's offset in bits. */
  readonly offset?: number
  /** IPv6 only: padding bits of the last pattern octet that fall beyond bit 128, when not zero. */
  readonly trailingBits?: number
  /**
   * IPv6 only: the component was sent as ExaBGP and Wireshark write it, the
   * whole address up to the length (ceil(length/8) octets) rather than the
   * RFC 8956 pattern of length − offset bits; re-encoded the same way.
   */
  readonly fullPrefix?: true
}

export interface FlowspecNumericComponent {
  readonly type: FlowspecNumericType
  readonly name: string
  readonly operators: readonly NumericOperator[]
}

export interface FlowspecBitmaskComponent {
  readonly type: FlowspecBitmaskType
  readonly name: string
  readonly operators: readonly BitmaskOperator[]
}

export type FlowspecComponent = FlowspecPrefixComponent | FlowspecNumericComponent | FlowspecBitmaskComponent

/** One FlowSpec rule: SAFI 133, or SAFI 134 with its route distinguisher. */
export interface FlowspecNlri {
  /** SAFI 134 (RFC 8955 §8): the route distinguisher, as wire/rd.ts writes it. */
  readonly rd?: string
  readonly components: readonly FlowspecComponent[]
  /** The length was sent in the 2-octet form although it is below 240 (kept to re-encode exactly). */
  readonly longLength?: true
  readonly pathId?: number
}

export type ComponentKind = 'prefix' | 'numeric' | 'bitmask'

export interface ComponentInfo {
  readonly kind: ComponentKind
  /** JSON `name` per AFI (index 0: IPv4, 1: IPv6); undefined where the type is not defined for the AFI. */
  readonly names: readonly [string | undefined, string | undefined]
  /** Keyword in the text form (ExaBGP's spelling), per AFI. */
  readonly keywords: readonly [string | undefined, string | undefined]
}

/**
 * IANA "Flow Spec Component Types" (RFC 8955 §4.2.2) and "Flow Spec IPv6
 * Component Types" (RFC 8956 §3). Type 13 (Flow Label) exists for IPv6 only.
 */
export const FLOWSPEC_COMPONENTS: Readonly<Record<number, ComponentInfo>> = {
  1: {
    kind: 'prefix',
    names: ['destination-prefix', 'destination-prefix'],
    keywords: ['destination-ipv4', 'destination-ipv6'],
  },
  2: { kind: 'prefix', names: ['source-prefix', 'source-prefix'], keywords: ['source-ipv4', 'source-ipv6'] },
  3: { kind: 'numeric', names: ['ip-protocol', 'next-header'], keywords: ['protocol', 'next-header'] },
  4: { kind: 'numeric', names: ['port', 'port'], keywords: ['port', 'port'] },
  5: {
    kind: 'numeric',
    names: ['destination-port', 'destination-port'],
    keywords: ['destination-port', 'destination-port'],
  },
  6: { kind: 'numeric', names: ['source-port', 'source-port'], keywords: ['source-port', 'source-port'] },
  7: { kind: 'numeric', names: ['icmp-type', 'icmp-type'], keywords: ['icmp-type', 'icmp-type'] },
  8: { kind: 'numeric', names: ['icmp-code', 'icmp-code'], keywords: ['icmp-code', 'icmp-code'] },
  9: { kind: 'bitmask', names: ['tcp-flags', 'tcp-flags'], keywords: ['tcp-flags', 'tcp-flags'] },
  10: {
    kind: 'numeric',
    names: ['packet-length', 'packet-length'],
    keywords: ['packet-length', 'packet-length'],
  },
  11: { kind: 'numeric', names: ['dscp', 'dscp'], keywords: ['dscp', 'traffic-class'] },
  12: { kind: 'bitmask', names: ['fragment', 'fragment'], keywords: ['fragment', 'fragment'] },
  13: { kind: 'numeric', names: [undefined, 'flow-label'], keywords: [undefined, 'flow-label'] },
}

export function componentInfo(type: number, afi: 1 | 2): ComponentInfo | undefined {
  const info = FLOWSPEC_COMPONENTS[type]
  return info?.names[afi - 1] ? info : undefined
}

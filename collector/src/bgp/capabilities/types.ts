// Capabilities (RFC 5492), carried in OPEN optional parameter 2:
//
//   +------------------------------+
//   | Capability Code (1 octet)    |
//   | Capability Length (1 octet)  |
//   | Capability Value (variable)  |
//   +------------------------------+
//
// Each capability the codec knows is a descriptor in registry.ts; others are
// kept as UNKNOWN with their octets as hex.

import type { Reader } from '../../wire/reader.ts'
import type { Writer } from '../../wire/writer.ts'
import type { ProblemKind } from '../errors.ts'

export interface AfiSafi {
  readonly afi: number
  readonly safi: number
  readonly family: string
}

export interface GracefulRestart {
  /** R bit: the sender has restarted (RFC 4724 §3). */
  readonly restarting: boolean
  /** N bit: the sender supports NOTIFICATION-triggered graceful restart (RFC 8538). */
  readonly notification: boolean
  /** Restart Time in seconds (12 bits). */
  readonly time: number
  /** Any other bits of the 4-bit flags field, when set. */
  readonly otherFlags?: number
  readonly families: readonly (AfiSafi & { readonly forwarding: boolean; readonly otherFlags?: number })[]
}

export type BgpRole = 'provider' | 'rs' | 'rs-client' | 'customer' | 'peer'

export interface CapabilityValues {
  MULTIPROTOCOL: AfiSafi & { readonly reserved?: number }
  ROUTE_REFRESH: true
  EXTENDED_NEXT_HOP: readonly (AfiSafi & { readonly nextHopAfi: number })[]
  EXTENDED_MESSAGE: true
  /** RFC 9234; a value outside the registry stays a number */
  BGP_ROLE: BgpRole | number
  GRACEFUL_RESTART: GracefulRestart
  FOUR_OCTET_AS: { readonly asn: number }
  ADD_PATH: readonly (AfiSafi & { readonly sendReceive: 'receive' | 'send' | 'both' | number })[]
  ENHANCED_ROUTE_REFRESH: true
  LONG_LIVED_GRACEFUL_RESTART: readonly (AfiSafi & {
    readonly forwarding: boolean
    readonly otherFlags?: number
    readonly staleTime: number
  })[]
  /** `domain` is absent when the speaker sent the hostname alone. */
  FQDN: { readonly hostname: string; readonly domain?: string }
  SOFTWARE_VERSION: { readonly version: string }
}

export type CapabilityName = keyof CapabilityValues

export type KnownCapability = {
  [K in CapabilityName]: { readonly code: number; readonly name: K; readonly value: CapabilityValues[K] }
}[CapabilityName]

export interface UnknownCapability {
  readonly code: number
  readonly name: 'UNKNOWN'
  readonly value: string
}

export interface MalformedCapability {
  readonly code: number
  readonly name: 'MALFORMED'
  readonly value: { readonly error: ProblemKind; readonly hex: string }
}

export type Capability = KnownCapability | UnknownCapability | MalformedCapability

export type CapabilityOf<K extends CapabilityName> = Extract<KnownCapability, { name: K }>

export interface CapabilityCodec<K extends CapabilityName = CapabilityName> {
  readonly code: number
  readonly name: K
  /** Decodes the value r[pos..end); must consume it all or throw. */
  decode(r: Reader): CapabilityValues[K]
  size(v: CapabilityValues[K]): number
  encode(w: Writer, v: CapabilityValues[K]): void
}

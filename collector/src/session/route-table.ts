// What a session needs of the Adj-RIB-In, declared here so that session/
// depends on bgp/ only (STYLE.md "Shape"): main.ts hands over the RIB
// (rib/index.ts), which has these methods and more.

import type { CodecContext, FamilyNlri, UpdateRoutes } from '../bgp/index.ts'

/** A run of withdrawals of one peer in one family, as an UPDATE would carry them. */
export interface RemovedRoutes extends FamilyNlri {
  readonly peer: number
}

export interface RouteTable {
  /** The small integer handle of a peer, by its address. */
  peer(name: string): number
  apply(
    peer: number,
    routes: UpdateRoutes,
    raw: Uint8Array,
    ctx: Pick<CodecContext, 'asn4'>,
  ): { readonly added: number; readonly replaced: number; readonly withdrawn: number }
  /** `apply` for a clean UPDATE (one the fast path took), its routes read from the octets. */
  applyRaw(
    peer: number,
    raw: Uint8Array,
    ctx: Pick<CodecContext, 'asn4' | 'addPath'>,
  ): { readonly added: number; readonly replaced: number; readonly withdrawn: number }
  count(peer: number, family?: string): { readonly paths: number; readonly prefixes: number }
  counts(peer: number): readonly {
    readonly family: string
    readonly paths: number
    readonly prefixes: number
    readonly stale: number
  }[]
  markStale(peer: number, families?: readonly string[]): number
  markLlgrStale(peer: number, families?: readonly string[], onBatch?: (batch: RemovedRoutes) => void): number
  sweepStale(peer: number, families?: readonly string[], onBatch?: (batch: RemovedRoutes) => void): number
  withdraw(peer: number, options?: { readonly families?: readonly string[] }): Iterable<RemovedRoutes>
}

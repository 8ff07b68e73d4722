// Attribute sets as query results see them (AttributeSet in index.ts): a
// handle that copies the set's bytes out of the RIB on first use, decodes them
// through the RIB's bounded cache, and can tell when its set has been released.
// Also the raw-byte check for the NO_LLGR community (RFC 9494 §4.3).

import type { RouteAttributes } from '../bgp/index.ts'
import { toHex } from '../wire/hex.ts'
import { type AttributeSets, decodeSetAttributes, SET_ASN4, SET_HEADER } from './attribute-sets.ts'
import type { AttributeSet } from './index.ts'
import { formatNextHop } from './keys.ts'

/**
 * An attribute set in a query result: its bytes are copied from the RIB on
 * first use, which must come before the set is released (RangeError after).
 */
export class SetHandle implements AttributeSet {
  readonly id: number
  readonly #sets: AttributeSets
  readonly #epoch: number
  readonly #hash: number
  #bytes: Uint8Array | undefined
  #nextHop: readonly string[] | undefined
  #attributes: RouteAttributes | undefined

  constructor(sets: AttributeSets, id: number) {
    this.id = id
    this.#sets = sets
    this.#epoch = sets.epoch
    this.#hash = sets.hashOf(id)
  }

  /** Throws unless the id still names the set this handle was made for. */
  #check(): void {
    const s = this.#sets
    // Nothing freed since: valid. Otherwise the id must still be held with the same hash.
    if (s.epoch !== this.#epoch && !(s.has(this.id) && s.hashOf(this.id) === this.#hash)) {
      throw new RangeError(
        `rib: attribute set ${this.id} was released; read query results before changing the RIB`,
      )
    }
  }

  #load(): Uint8Array {
    if (!this.#bytes) {
      this.#check()
      this.#bytes = this.#sets.view(this.id).slice()
    }
    return this.#bytes
  }

  get asn4(): boolean {
    return (this.#load()[0]! & SET_ASN4) !== 0
  }

  get nextHopRaw(): Uint8Array {
    const b = this.#load()
    return b.subarray(SET_HEADER, SET_HEADER + b[1]!)
  }

  get raw(): Uint8Array {
    const b = this.#load()
    return b.subarray(SET_HEADER + b[1]!)
  }

  get nextHop(): readonly string[] {
    this.#nextHop ??= formatNextHop(this.nextHopRaw)
    return this.#nextHop
  }

  get attributes(): RouteAttributes {
    if (!this.#attributes) {
      const bytes = this.#load()
      const s = this.#sets
      // The RIB's cache serves the set while the id still names it; after that, the copy is decoded.
      const same = s.epoch === this.#epoch || (s.has(this.id) && s.hashOf(this.id) === this.#hash)
      this.#attributes = same ? s.decoded(this.id) : decodeSetAttributes(bytes)
    }
    return this.#attributes
  }

  toJSON(): object {
    return {
      id: this.id,
      asn4: this.asn4,
      nextHop: this.nextHop,
      attributes: this.attributes,
      raw: toHex(this.raw),
    }
  }
}

/** True if the set's COMMUNITIES attribute holds NO_LLGR (65535:7, RFC 9494 §4.3). */
export function hasNoLlgr(set: Uint8Array): boolean {
  let i = SET_HEADER + set[1]!
  while (i + 3 <= set.length) {
    const hl = set[i]! & 0x10 ? 4 : 3
    if (i + hl > set.length) return false
    const len = hl === 4 ? (set[i + 2]! << 8) | set[i + 3]! : set[i + 2]!
    const v = i + hl
    if (set[i + 1] === 8) {
      const end = Math.min(v + len, set.length)
      for (let j = v; j + 4 <= end; j += 4) {
        if (set[j] === 0xff && set[j + 1] === 0xff && set[j + 2] === 0 && set[j + 3] === 7) return true
      }
      return false
    }
    i = v + len
  }
  return false
}

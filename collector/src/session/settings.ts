// What a session needs to know about one peer (or one range of peers), and
// what the collector gives every session. The config module produces the same
// shape from the YAML file and flags; main.ts hands it over.

import type { FamilyKey } from '../bgp/index.ts'
import type { EventBus } from '../events/index.ts'
import type { Logger } from '../log/logger.ts'
import type { Clock } from './clock.ts'
import type { FsmConfig } from './fsm.ts'
import type { GrOptions } from './graceful-restart.ts'
import type { PrefixLimits } from './max-prefix.ts'
import type { LocalSpeaker } from './negotiate.ts'
import type { RouteTable } from './route-table.ts'

export interface PeerSettings {
  /** Exactly one of address (one peer) and prefix (any address in it). Canonical text. */
  readonly address?: string
  readonly prefix?: string
  /** The AS the peer must have, or 'any'. */
  readonly asn: number | 'any'
  readonly families: readonly FamilyKey[]
  /** Offer ADD-PATH receive for every family. */
  readonly addPath: boolean
  readonly holdTime: number
  readonly maxPrefixes?: PrefixLimits
  readonly description?: string
  /** Advertise graceful restart and long-lived GR, acting as helper. */
  readonly gracefulRestart: boolean
}

export interface SessionDeps {
  readonly clock: Clock
  readonly logger: Logger
  readonly bus: EventBus
  /** The Adj-RIB-In (rib/ implements it). */
  readonly rib: RouteTable
  readonly local: LocalSpeaker
  /** The collector's name, on every event. */
  readonly host: string
  /** FSM timing (back-off, stable time); defaults are RFC 4271's suggestions. */
  readonly fsm?: Partial<Omit<FsmConfig, 'passive' | 'holdTime'>>
  readonly gr?: Partial<GrOptions>
}

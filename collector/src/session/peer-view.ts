// A peer as the API and the tests see it: a plain snapshot built from the
// peer's state, its negotiated session and its route intake.

import { type FamilyKey, familyNameOfKey, type NotificationMessage, type OpenMessage } from '../bgp/index.ts'
import type { SessionState } from '../events/index.ts'
import { keepaliveTime } from './fsm.ts'
import type { Negotiated } from './negotiate.ts'
import type { IntakeView } from './route-intake.ts'
import type { PeerSettings } from './settings.ts'
import type { ProblemCounts } from './update-errors.ts'

export interface LastError {
  readonly at: number
  /** Who ended the session: we sent a NOTIFICATION, the peer sent one, or neither (TCP, timers). */
  readonly direction: 'sent' | 'received' | 'local'
  readonly reason: string
  readonly notification?: NotificationMessage
}

export interface FamilyView {
  readonly paths: number
  readonly prefixes: number
  readonly stale: number
  /** When this session's End-of-RIB for the family arrived (ms since the epoch). */
  readonly endOfRibAt?: number
}

export interface PeerView {
  readonly address: string
  /** The peer's AS from its OPEN, else the configured one (null for `any` before an OPEN). */
  readonly asn: number | null
  readonly configuredAsn: number | 'any'
  readonly localAsn: number
  readonly description?: string
  /** Matched by a prefix range, not configured by address. */
  readonly matchedPrefix?: string
  readonly state: SessionState
  readonly stateSince: number
  readonly establishedAt?: number
  readonly routerId?: string
  readonly hostname?: string
  readonly softwareVersion?: string
  readonly remotePort?: number
  readonly localAddress?: string
  readonly localPort?: number
  readonly holdTime?: number
  readonly keepaliveTime?: number
  readonly negotiated?: {
    readonly families: readonly string[]
    readonly addPath: readonly string[]
    readonly asn4: boolean
    readonly extendedMessage: boolean
    readonly routeRefresh: boolean
    readonly enhancedRouteRefresh: boolean
    readonly extendedNextHop: readonly string[]
    readonly gracefulRestart?: { readonly restartTime: number; readonly families: readonly string[] }
    readonly longLivedStale?: Readonly<Record<string, number>>
  }
  readonly openSent?: OpenMessage
  readonly openReceived?: OpenMessage
  readonly families: Readonly<Record<string, FamilyView>>
  readonly counters: {
    readonly messagesReceived: Readonly<Record<string, number>>
    readonly messagesSent: Readonly<Record<string, number>>
    readonly announced: number
    readonly withdrawn: number
    readonly establishedCount: number
    readonly problems: ProblemCounts
    readonly disabledFamilies: readonly string[]
    readonly refusedConnections: number
  }
  readonly gracefulRestart?: { readonly waiting: boolean; readonly stale: Readonly<Record<string, string>> }
  readonly lastError?: LastError
}

export interface PeerViewInput {
  readonly address: string
  readonly settings: PeerSettings
  readonly localAsn: number
  readonly matchedPrefix?: string
  readonly state: SessionState
  readonly stateSince: number
  readonly established: boolean
  readonly establishedAt?: number
  readonly negotiated?: Negotiated
  readonly socket?: {
    readonly remotePort?: number
    readonly localAddress?: string
    readonly localPort?: number
  }
  readonly opens: { readonly sent?: OpenMessage; readonly received?: OpenMessage }
  readonly intake: IntakeView
  readonly messagesReceived: Readonly<Record<string, number>>
  readonly messagesSent: Readonly<Record<string, number>>
  readonly establishedCount: number
  readonly refused: number
  readonly lastError?: LastError
}

const names = (keys: readonly FamilyKey[]) => keys.map(familyNameOfKey)

function negotiatedView(n: Negotiated): NonNullable<PeerView['negotiated']> {
  return {
    families: names(n.families),
    addPath: names(n.addPathReceive),
    asn4: n.asn4,
    extendedMessage: n.extendedMessage,
    routeRefresh: n.routeRefresh,
    enhancedRouteRefresh: n.enhancedRouteRefresh,
    extendedNextHop: names(n.extendedNextHop),
    ...(n.gracefulRestart
      ? {
          gracefulRestart: {
            restartTime: n.gracefulRestart.restartTime,
            families: names([...n.gracefulRestart.families.keys()]),
          },
        }
      : {}),
    ...(n.longLivedStale
      ? { longLivedStale: Object.fromEntries([...n.longLivedStale].map(([f, t]) => [familyNameOfKey(f), t])) }
      : {}),
  }
}

export function peerView(p: PeerViewInput): PeerView {
  const n = p.negotiated
  const s = p.socket
  const up = p.established && n !== undefined
  return {
    address: p.address,
    asn: n?.peerAsn ?? (p.settings.asn === 'any' ? null : p.settings.asn),
    configuredAsn: p.settings.asn,
    localAsn: p.localAsn,
    ...(p.settings.description !== undefined ? { description: p.settings.description } : {}),
    ...(p.matchedPrefix ? { matchedPrefix: p.matchedPrefix } : {}),
    state: p.state,
    stateSince: p.stateSince,
    ...(p.established && p.establishedAt !== undefined ? { establishedAt: p.establishedAt } : {}),
    ...(n ? { routerId: n.peerBgpId } : {}),
    ...(n?.peerHostname ? { hostname: n.peerHostname } : {}),
    ...(n?.peerSoftwareVersion ? { softwareVersion: n.peerSoftwareVersion } : {}),
    ...(s?.remotePort !== undefined ? { remotePort: s.remotePort } : {}),
    ...(s?.localAddress ? { localAddress: s.localAddress.replace(/^::ffff:/, '') } : {}),
    ...(s?.localPort !== undefined ? { localPort: s.localPort } : {}),
    ...(up ? { holdTime: n.holdTime, keepaliveTime: n.holdTime ? keepaliveTime(n.holdTime) : 0 } : {}),
    ...(n ? { negotiated: negotiatedView(n) } : {}),
    ...(p.opens.sent ? { openSent: p.opens.sent } : {}),
    ...(p.opens.received ? { openReceived: p.opens.received } : {}),
    families: p.intake.families,
    counters: {
      messagesReceived: { ...p.messagesReceived },
      messagesSent: { ...p.messagesSent },
      announced: p.intake.announced,
      withdrawn: p.intake.withdrawn,
      establishedCount: p.establishedCount,
      problems: p.intake.problems,
      disabledFamilies: p.intake.disabledFamilies,
      refusedConnections: p.refused,
    },
    ...(p.intake.gracefulRestart ? { gracefulRestart: p.intake.gracefulRestart } : {}),
    ...(p.lastError ? { lastError: p.lastError } : {}),
  }
}

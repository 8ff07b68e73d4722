// Connection collision detection (RFC 4271 §6.8): two TCP connections between
// the same pair of speakers, and an OPEN arrives on one of them. Which one
// lives is decided by the BGP Identifiers, compared as 4-octet unsigned
// integers: the connection initiated by the speaker with the higher
// identifier is kept.
//
// A passive collector only ever accepts connections, so both connections were
// initiated by the peer and the identifiers cannot tell them apart; then the
// newer connection wins: the older one is what a restarted peer left behind.
// A collision with an Established session closes the new connection (§6.8),
// except when the peer negotiated graceful restart: a new connection from it
// is how RFC 4724 §4.2 says a restart shows, so the old session goes and its
// routes are kept as stale.

import type { FsmStateName } from './fsm.ts'

export interface CollisionSide {
  readonly state: FsmStateName
  /** We opened this connection (active side). */
  readonly initiatedLocally: boolean
}

export type CollisionVerdict = 'keep-existing' | 'keep-new' | 'no-collision'

function idValue(id: string): number {
  const [a = 0, b = 0, c = 0, d = 0] = id.split('.').map(Number)
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d
}

export function compareBgpIds(a: string, b: string): number {
  return idValue(a) - idValue(b)
}

/**
 * An OPEN from the peer has arrived on `incoming`; `existing` is the other
 * connection to the same peer. `peerRestarts` is true when the existing
 * session negotiated graceful restart.
 */
export function resolveCollision(
  localId: string,
  remoteId: string,
  existing: CollisionSide,
  incoming: CollisionSide,
  peerRestarts = false,
): CollisionVerdict {
  // §6.8: a connection in Idle, Connect or Active has no OPEN yet and cannot collide;
  // in OpenSent the remote identifier is known only from the OPEN just received.
  if (existing.state === 'Idle' || existing.state === 'Connect' || existing.state === 'Active') {
    return 'no-collision'
  }
  if (existing.state === 'Established') return peerRestarts ? 'keep-new' : 'keep-existing'
  if (existing.initiatedLocally === incoming.initiatedLocally) return 'keep-new'
  // Keep the connection the higher identifier initiated.
  const localHigher = compareBgpIds(localId, remoteId) > 0
  const existingByHigher = existing.initiatedLocally === localHigher
  return existingByHigher ? 'keep-existing' : 'keep-new'
}

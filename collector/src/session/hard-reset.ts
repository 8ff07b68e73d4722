// Cease / Hard Reset (RFC 8538 §3): once both sides set the N bit in their
// graceful restart capability, every NOTIFICATION but a Hard Reset lets the
// receiver keep the sender's routes as stale (§4). A Cease that means "this
// session is over for good" must therefore travel as a Hard Reset, whose data
// is the NOTIFICATION it stands for:
//
//   +-----------+-----------+----------------+----------------+---------------------+
//   | Code 6 (1)| Sub 9 (1) | Error code (1) | Subcode (1)    | Data (variable)     |
//   +-----------+-----------+----------------+----------------+---------------------+
//                             \___________ the original NOTIFICATION ____________/
//
// §5 suggests the Hard Reset for these Cease subcodes (RFC 4486): Maximum
// Number of Prefixes Reached (1), Administrative Shutdown (2) and Peer
// De-configured (3). The others (a rejected or colliding connection, out of
// resources, BFD down…) stay as they are and leave the routes to graceful restart.

import type { NotificationMessage } from '../bgp/index.ts'

const CEASE = 6
const HARD_RESET = 9
/** Cease subcodes RFC 8538 §5 sends as a Hard Reset. */
const HARD_SUBCODES: ReadonlySet<number> = new Set([1, 2, 3])

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0')
}

/**
 * The NOTIFICATION to send in place of `n` on a session that negotiated the
 * N bit on both sides (`nBit`): a Hard Reset wrapping it when RFC 8538 §5 says
 * so, else `n` itself.
 */
export function withHardReset(n: NotificationMessage, nBit: boolean): NotificationMessage {
  if (!nBit || n.code !== CEASE || !HARD_SUBCODES.has(n.subcode)) return n
  return {
    type: 'NOTIFICATION',
    code: CEASE,
    subcode: HARD_RESET,
    data: `${hex2(n.code)}${hex2(n.subcode)}${n.data}`,
  }
}

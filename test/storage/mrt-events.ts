// The events a collector would have published for the messages and state
// changes of an MRT updates file: one UpdateEvent per BGP4MP message record
// (decoded as the session would have, with the context the subtype implies),
// one PeerStateEvent per state change, and per-peer sequence numbers.

import { decodeMessage, type UpdateMessage, updateRoutes } from '../../collector/src/bgp/index.ts'
import type { BusEvent, SessionState } from '../../collector/src/events/index.ts'
import { MrtReader, messageContext } from '../../collector/src/mrt/index.ts'
import { formatIPv4, formatIPv6 } from '../../collector/src/wire/ip.ts'

const STATES: readonly SessionState[] = [
  'Idle',
  'Idle',
  'Connect',
  'Active',
  'OpenSent',
  'OpenConfirm',
  'Established',
]

function address(b: Uint8Array): string {
  return b.length === 4 ? formatIPv4(b) : formatIPv6(b)
}

export async function mrtEvents(path: string, host = 'rl-test'): Promise<BusEvent[]> {
  const out: BusEvent[] = []
  const sequences = new Map<string, number>()
  const next = (peer: string) => {
    const n = (sequences.get(peer) ?? 0) + 1
    sequences.set(peer, n)
    return n
  }
  for await (const rec of new MrtReader(path)) {
    const body = rec.body
    const timestamp = rec.timestamp * 1e6 + (rec.microseconds ?? 0)
    if (body?.kind === 'BGP4MP_MESSAGE') {
      const m = body.message
      const peerAddress = address(m.peerAddress)
      const context = messageContext(m.as4, m.addPath)
      const raw = m.message.slice()
      const d = decodeMessage(raw, context)
      const routes =
        d.message?.type === 'UPDATE'
          ? updateRoutes(d.message as UpdateMessage, d.problems, context)
          : undefined
      out.push({
        type: 'message',
        host,
        peerAddress,
        peerAsn: m.peerAs,
        localAsn: m.localAs,
        timestamp,
        sequence: next(peerAddress),
        direction: m.local ? 'sent' : 'received',
        raw,
        message: d.message,
        context,
        ...(routes ? { routes } : {}),
        problems: d.problems,
      })
    } else if (body?.kind === 'BGP4MP_STATE_CHANGE' && body.state.peerAddress.length) {
      const s = body.state
      const peerAddress = address(s.peerAddress)
      out.push({
        type: 'state',
        host,
        peerAddress,
        peerAsn: s.peerAs,
        localAsn: s.localAs,
        timestamp,
        sequence: next(peerAddress),
        from: STATES[s.oldState] ?? 'Idle',
        to: STATES[s.newState] ?? 'Idle',
      })
    }
  }
  return out
}

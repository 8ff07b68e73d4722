// Checks a received OPEN against what we expect of the peer (RFC 4271 §6.2),
// returning the NOTIFICATION to send, or undefined when the OPEN is acceptable.
// The codec has already checked the syntax (its problems arrive here too).
//
//   version ≠ 4                       Unsupported Version Number, data: 0x0004 (§6.2)
//   AS ≠ the configured one           Bad Peer AS (§6.2; RFC 6793 §3: the FOUR_OCTET_AS one)
//   identifier 0, or ours on iBGP     Bad BGP Identifier (RFC 6286 §2.2)
//   hold time 1 or 2                  Unacceptable Hold Time (§6.2)
//   optional parameter other than 2   Unsupported Optional Parameter (§6.2)
//   no family in common               Unsupported Capability, data: our MULTIPROTOCOL
//                                     capabilities (RFC 5492 §3) — the only capability
//                                     we require is one family to talk about

import {
  type CodecContext,
  encodeMessage,
  type NotificationMessage,
  type OpenMessage,
  openAsn,
  type Problem,
} from '../bgp/index.ts'
import { notify } from './fsm.ts'
import type { Negotiated } from './negotiate.ts'

export interface OpenExpectations {
  readonly localAsn: number
  readonly localBgpId: string
  /** The peer's AS, or 'any' (dynamic peers). */
  readonly peerAsn: number | 'any'
}

export interface OpenVerdict {
  readonly notification: NotificationMessage
  readonly reason: string
}

function reject(kind: Parameters<typeof notify>[0], reason: string, data?: Uint8Array): OpenVerdict {
  return { notification: notify(kind, data), reason }
}

const CONTEXT: CodecContext = { asn4: true, addPath: { has: () => false }, extendedMessage: false }

/** The capability octets of our MULTIPROTOCOL capabilities, for Unsupported Capability's data. */
function multiprotocolData(sent: OpenMessage): Uint8Array {
  const mp = sent.parameters.flatMap((p) =>
    'capabilities' in p ? p.capabilities.filter((c) => c.name === 'MULTIPROTOCOL') : [],
  )
  // Encode an OPEN holding just these and cut out the capability octets after the parameter header.
  const bytes = encodeMessage(
    { ...sent, parameters: [{ type: 2, capabilities: mp }], extendedParameters: undefined } as OpenMessage,
    CONTEXT,
  )
  return bytes.subarray(19 + 10 + 2)
}

/**
 * The verdict on a received OPEN: undefined when the session may proceed.
 * `problems` are the codec's; `negotiated` the result of negotiate(sent, received).
 */
export function checkOpen(
  received: OpenMessage,
  problems: readonly Problem[],
  sent: OpenMessage,
  negotiated: Negotiated,
  expect: OpenExpectations,
): OpenVerdict | undefined {
  if (received.version !== 4) {
    return reject(
      'NOTIFY.OPEN.UNSUPPORTED_VERSION_NUMBER',
      `version ${received.version}`,
      Uint8Array.of(0, 4),
    )
  }
  const bad = problems.find((p) => p.action === 'session-reset')
  if (bad) return reject(bad.kind, bad.reason)
  const asn = openAsn(received)
  if (expect.peerAsn !== 'any' && asn !== expect.peerAsn) {
    // §6.2 gives no data for Bad Peer AS; the 2-octet My AS field is what most speakers send.
    return reject('NOTIFY.OPEN.BAD_PEER_AS', `AS ${asn}, expected ${expect.peerAsn}`)
  }
  if (received.bgpId === '0.0.0.0') return reject('NOTIFY.OPEN.BAD_BGP_IDENTIFIER', 'identifier 0.0.0.0')
  if (asn === expect.localAsn && received.bgpId === expect.localBgpId) {
    return reject('NOTIFY.OPEN.BAD_BGP_IDENTIFIER', `internal peer with our identifier ${received.bgpId}`)
  }
  if (received.holdTime === 1 || received.holdTime === 2) {
    return reject('NOTIFY.OPEN.UNACCEPTABLE_HOLD_TIME', `hold time ${received.holdTime}`)
  }
  const other = received.parameters.find((p) => !('capabilities' in p))
  if (other) {
    return reject(
      'NOTIFY.OPEN.UNSUPPORTED_OPTIONAL_PARAMETER',
      `optional parameter type ${other.type}`,
      Uint8Array.of(other.type),
    )
  }
  if (negotiated.families.length === 0) {
    return reject(
      'NOTIFY.OPEN.UNSUPPORTED_CAPABILITY',
      'no address family in common',
      multiprotocolData(sent),
    )
  }
  return undefined
}

// BGP4MP / BGP4MP_ET STATE_CHANGE (subtype 0, 2-octet AS) and
// STATE_CHANGE_AS4 (subtype 5) (RFC 6396 §4.4.1, §4.4.4):
//
//   +-------------------------------+-------------------------------+
//   |    peer fields (bgp4mp-peer.ts: ASes, ifindex, AFI, addresses) |
//   +-------------------------------+-------------------------------+
//   |            Old State          |          New State            |
//   +-------------------------------+-------------------------------+
//
// States: 1 Idle, 2 Connect, 3 Active, 4 OpenSent, 5 OpenConfirm,
// 6 Established. Zebra once wrote 8-octet STATE_CHANGE bodies (Peer AS, Local
// AS, Old State, New State, no interface, AFI or addresses); RIPE RIS files
// from 2000 have them, so they are read (AFI 0, no addresses) and written back
// the same way.

import { type Reader, u16 } from '../wire/reader.ts'
import { type Writer, w16 } from '../wire/writer.ts'
import {
  type Bgp4mpPeer,
  bgp4mpPeerSize,
  type DecodedBgp4mpPeer,
  decodeBgp4mpPeer,
  encodeBgp4mpPeer,
  parseBgp4mpPeer,
} from './bgp4mp-peer.ts'
import { bgpStateName } from './constants.ts'

export interface StateChange extends Bgp4mpPeer {
  readonly oldState: number
  readonly newState: number
}

const EMPTY = new Uint8Array(0)

export function parseStateChange(r: Reader, as4: boolean): StateChange {
  if (!as4 && r.end - r.pos === 8) {
    const peerAs = u16(r)
    const localAs = u16(r)
    const oldState = u16(r)
    const newState = u16(r)
    return {
      as4,
      peerAs,
      localAs,
      interfaceIndex: 0,
      afi: 0,
      peerAddress: EMPTY,
      localAddress: EMPTY,
      oldState,
      newState,
    }
  }
  const peer = parseBgp4mpPeer(r, as4)
  const oldState = u16(r)
  const newState = u16(r)
  return { ...peer, oldState, newState }
}

export function stateChangeSize(s: StateChange): number {
  return s.afi === 0 ? 8 : bgp4mpPeerSize(s) + 4
}

export function encodeStateChange(w: Writer, s: StateChange): void {
  if (s.afi === 0) {
    w16(w, s.peerAs)
    w16(w, s.localAs)
  } else {
    encodeBgp4mpPeer(w, s)
  }
  w16(w, s.oldState)
  w16(w, s.newState)
}

export interface DecodedStateChange extends DecodedBgp4mpPeer {
  readonly oldState: number
  readonly newState: number
  readonly oldStateName: string
  readonly newStateName: string
}

export function decodeStateChange(s: StateChange): DecodedStateChange {
  return {
    ...decodeBgp4mpPeer(s),
    oldState: s.oldState,
    newState: s.newState,
    oldStateName: bgpStateName(s.oldState),
    newStateName: bgpStateName(s.newState),
  }
}

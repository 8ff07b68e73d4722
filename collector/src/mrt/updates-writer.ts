// The updates-file writer: BGP messages and session state changes as a
// collector logs them, in the form RIPE RIS and RouteViews files have:
// BGP4MP_ET (microsecond timestamps) MESSAGE_AS4 (or MESSAGE_AS4_ADDPATH,
// RFC 8050, when the session receives path identifiers; the _LOCAL twins for
// messages the collector sent) and STATE_CHANGE_AS4. A session that
// negotiated 2-octet AS numbers gets MESSAGE / MESSAGE_ADDPATH instead, since
// the subtype tells readers how to decode the message's AS_PATH (RFC 6396
// §4.4.3); its Peer and Local AS then read AS_TRANS when they do not fit.
//
// Each record is encoded in place into the output block; the message octets
// are copied as received, so the file says exactly what the peer sent.

import type { Writable } from 'node:stream'
import { AS_TRANS } from '../bgp/index.ts'
import { messageSubtype } from './bgp4mp-message.ts'
import { addressBytes } from './bgp4mp-peer.ts'
import { BGP4MP_SUBTYPE, MRT_TYPE } from './constants.ts'
import { writeMrtHeader, writeU16, writeU32 } from './header.ts'
import { MrtOutput, type MrtOutputOptions } from './output.ts'

/** One BGP session, as the BGP4MP headers describe it. */
export interface MrtSession {
  readonly peerAddress: string
  readonly peerAs: number
  readonly localAddress: string
  readonly localAs: number
  readonly interfaceIndex?: number
  /** The session negotiated 4-octet AS numbers (RFC 6793); default true. */
  readonly asn4?: boolean
}

/** A session prepared for writing (addresses as octets, in one family). */
export interface MrtSessionHeader {
  readonly asn4: boolean
  readonly peerAs: number
  readonly localAs: number
  readonly interfaceIndex: number
  readonly afi: 1 | 2
  readonly peerAddress: Uint8Array
  readonly localAddress: Uint8Array
}

/**
 * Prepares a session. MRT has one AFI for both addresses: a local address of
 * the other family (an IPv6 listener taking an IPv4-mapped peer, say) is
 * written as the unspecified address of the peer's family, or as the IPv4
 * address inside an IPv4-mapped IPv6 one.
 */
export function mrtSession(s: MrtSession): MrtSessionHeader {
  let peer = addressBytes(s.peerAddress)
  let local = addressBytes(s.localAddress)
  if (peer.length === 16 && isMapped(peer)) peer = peer.slice(12)
  if (local.length !== peer.length) {
    local = local.length === 16 && isMapped(local) ? local.slice(12) : new Uint8Array(peer.length)
  }
  return {
    asn4: s.asn4 ?? true,
    peerAs: s.peerAs,
    localAs: s.localAs,
    interfaceIndex: s.interfaceIndex ?? 0,
    afi: peer.length === 4 ? 1 : 2,
    peerAddress: peer,
    localAddress: local,
  }
}

function isMapped(a: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (a[i] !== 0) return false
  return a[10] === 0xff && a[11] === 0xff
}

export interface MessageOptions {
  /** The NLRI carry ADD-PATH path identifiers (the session receives them). */
  readonly addPath?: boolean
  /** The collector sent this message (a *_LOCAL subtype). */
  readonly sent?: boolean
}

function split(timeUs: number): [seconds: number, micros: number] {
  const seconds = Math.floor(timeUs / 1e6)
  return [seconds, Math.round(timeUs - seconds * 1e6)]
}

export class MrtUpdatesWriter {
  readonly output: MrtOutput

  constructor(dest: MrtOutput | string | Writable, options: MrtOutputOptions = {}) {
    this.output = dest instanceof MrtOutput ? dest : new MrtOutput(dest, options)
  }

  #peerFields(s: MrtSessionHeader, block: Uint8Array, at: number): number {
    let p = at
    if (s.asn4) {
      writeU32(block, p, s.peerAs)
      writeU32(block, p + 4, s.localAs)
      p += 8
    } else {
      writeU16(block, p, s.peerAs > 0xffff ? AS_TRANS : s.peerAs)
      writeU16(block, p + 2, s.localAs > 0xffff ? AS_TRANS : s.localAs)
      p += 4
    }
    writeU16(block, p, s.interfaceIndex)
    writeU16(block, p + 2, s.afi)
    p += 4
    block.set(s.peerAddress, p)
    p += s.peerAddress.length
    block.set(s.localAddress, p)
    return p + s.localAddress.length
  }

  #fieldsLength(s: MrtSessionHeader): number {
    return (s.asn4 ? 8 : 4) + 4 + 2 * s.peerAddress.length
  }

  /** A BGP message (marker included) received (or sent) at timeUs (µs since the epoch). False: await drain(). */
  message(s: MrtSessionHeader, timeUs: number, message: Uint8Array, options: MessageOptions = {}): boolean {
    const body = this.#fieldsLength(s) + message.length
    const total = 16 + body
    const { block, at } = this.output.reserve(total)
    const [seconds, micros] = split(timeUs)
    const subtype = messageSubtype(s.asn4, options.sent ?? false, options.addPath ?? false)
    writeMrtHeader(
      block,
      at,
      { timestamp: seconds, microseconds: micros, type: MRT_TYPE.BGP4MP_ET, subtype },
      body,
    )
    const p = this.#peerFields(s, block, at + 16)
    block.set(message, p)
    return this.output.commit(total)
  }

  /** A session state change (RFC 6396 §4.4.1 states: 1 Idle … 6 Established). False: await drain(). */
  stateChange(s: MrtSessionHeader, timeUs: number, oldState: number, newState: number): boolean {
    // Always the AS4 subtype: state changes carry no AS_PATH that a 2-octet session would constrain.
    const as4 = { ...s, asn4: true }
    const body = this.#fieldsLength(as4) + 4
    const total = 16 + body
    const { block, at } = this.output.reserve(total)
    const [seconds, micros] = split(timeUs)
    writeMrtHeader(
      block,
      at,
      {
        timestamp: seconds,
        microseconds: micros,
        type: MRT_TYPE.BGP4MP_ET,
        subtype: BGP4MP_SUBTYPE.STATE_CHANGE_AS4,
      },
      body,
    )
    const p = this.#peerFields(as4, block, at + 16)
    writeU16(block, p, oldState)
    writeU16(block, p + 2, newState)
    return this.output.commit(total)
  }

  drain(): Promise<void> {
    return this.output.drain()
  }

  close(): Promise<void> {
    return this.output.close()
  }
}

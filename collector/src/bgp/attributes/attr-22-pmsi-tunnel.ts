// PMSI_TUNNEL, type 22, optional transitive (RFC 6514 §5):
//
//   +---------------------------------+
//   |  Flags (1 octet)                |  0x01 Leaf Information Required (RFC 6514 §5),
//   +---------------------------------+  other bits per RFC 7902
//   |  Tunnel Type (1 octet)          |
//   +---------------------------------+
//   |  MPLS Label (3 octets)          |  high 20 bits the label; with VXLAN the
//   +---------------------------------+  24-bit VNI (RFC 8365 §5.1.3)
//   |  Tunnel Identifier (variable)   |
//   +---------------------------------+
//
// Tunnel identifiers by tunnel type (IANA "P-Multicast Service Interface
// Tunnel (PMSI Tunnel) Tunnel Types"):
//
//   1 RSVP-TE P2MP LSP   the P2MP LSP SESSION object (RFC 4875 §19.1):
//                        P2MP ID (4), must be zero (2), Tunnel ID (2),
//                        Extended Tunnel ID (4 or 16)
//                        → { p2mpId, tunnelId, extendedTunnelId, reserved? }
//   2 mLDP P2MP LSP,     the FEC element (RFC 6388 §2.2, §3.2): tree type (1),
//   7 mLDP MP2MP LSP     address family (2), address length (1), root node
//                        address, opaque length (2), opaque value
//                        → { fecType, rootNode, opaque (hex) }
//   3 PIM-SSM Tree,      <sender address, P-multicast group> (4+4 or 16+16)
//   4 PIM-SM Tree,       → { sender, group }
//   5 BIDIR-PIM Tree
//   6 Ingress            the unicast tunnel endpoint (4 or 16)
//     Replication        → { endpoint }
//   0 (no tunnel information) and every other type: { identifier (hex) }
//
// RFC 7606 handling: RFC 6514 predates RFC 7606 and names no error handling,
// and RFC 7606 §7 has no entry for this attribute. RFC 7606 §2 allows
// attribute-discard only for an attribute that affects neither route
// selection nor installation; this one carries the tunnel and label a route
// is installed with (RFC 6514 §5, RFC 7432 §11), so a malformed one is
// treat-as-withdraw (RFC 7606 §2, §8). Malformed means shorter than 5
// octets, or an identifier that does not fit its tunnel type's layout; an
// unknown tunnel type is not an error (its identifier is kept raw).

import { hexOrThrow, toHex } from '../../wire/hex.ts'
import { bytes, type Reader, u8, u16, u32 } from '../../wire/reader.ts'
import { w8, wbytes } from '../../wire/writer.ts'
import { CodecError } from '../errors.ts'
import { addressBytes, type Label24, readAddress, readLabel24, writeLabel24 } from '../nlri/evpn/fields.ts'
import type { AttributeCodec } from './types.ts'

interface PmsiTunnelCommon {
  /** The Flags octet as sent (0x01: Leaf Information Required). */
  readonly flags: number
  readonly tunnelType: number
  readonly label: Label24
}

export interface PmsiRsvpP2mp extends PmsiTunnelCommon {
  readonly p2mpId: number
  readonly tunnelId: number
  /** IPv4 or IPv6 address. */
  readonly extendedTunnelId: string
  /** The two octets that must be zero, when they are not. */
  readonly reserved?: number
}

export interface PmsiMldp extends PmsiTunnelCommon {
  /** The FEC element's tree type (6 P2MP, 7/8 MP2MP, RFC 6388). */
  readonly fecType: number
  readonly rootNode: string
  /** The opaque value (its TLVs), hex. */
  readonly opaque: string
}

export interface PmsiPim extends PmsiTunnelCommon {
  readonly sender: string
  readonly group: string
}

export interface PmsiIngressReplication extends PmsiTunnelCommon {
  readonly endpoint: string
}

export interface PmsiOther extends PmsiTunnelCommon {
  /** The Tunnel Identifier octets, hex (empty for type 0, no tunnel information). */
  readonly identifier: string
}

export type PmsiTunnel = PmsiRsvpP2mp | PmsiMldp | PmsiPim | PmsiIngressReplication | PmsiOther

/** IANA tunnel type names, for display. */
export const PMSI_TUNNEL_TYPES: Readonly<Record<number, string>> = {
  0: 'no-tunnel-information',
  1: 'rsvp-te-p2mp',
  2: 'mldp-p2mp',
  3: 'pim-ssm',
  4: 'pim-sm',
  5: 'bidir-pim',
  6: 'ingress-replication',
  7: 'mldp-mp2mp',
  8: 'transport-tunnel',
  11: 'bier',
  12: 'sr-mpls-p2mp',
  13: 'srv6-p2mp',
}

function malformed(reason: string, offset: number): CodecError {
  return new CodecError('NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', `PMSI_TUNNEL: ${reason}`, offset)
}

function decodeIdentifier(r: Reader, common: PmsiTunnelCommon): PmsiTunnel {
  const at = r.pos
  const n = r.end - r.pos
  switch (common.tunnelType) {
    case 1: {
      if (n !== 12 && n !== 24) throw malformed(`RSVP-TE P2MP identifier of ${n} octets, not 12 or 24`, at)
      const p2mpId = u32(r)
      const reserved = u16(r)
      const tunnelId = u16(r)
      const extendedTunnelId = readAddress(r, n === 12 ? 4 : 16)
      return reserved
        ? { ...common, p2mpId, tunnelId, extendedTunnelId, reserved }
        : { ...common, p2mpId, tunnelId, extendedTunnelId }
    }
    case 2:
    case 7: {
      if (n < 4) throw malformed(`mLDP FEC element of ${n} octets`, at)
      const fecType = u8(r)
      const af = u16(r)
      const alen = u8(r)
      if (!((af === 1 && alen === 4) || (af === 2 && alen === 16))) {
        throw malformed(`mLDP root node of address family ${af} and length ${alen}`, at + 1)
      }
      if (r.end - r.pos < alen + 2) throw malformed('mLDP FEC element truncated', r.pos)
      const rootNode = readAddress(r, alen)
      const olen = u16(r)
      if (r.end - r.pos !== olen) {
        throw malformed(`mLDP opaque length ${olen}, ${r.end - r.pos} octets left`, r.pos - 2)
      }
      return { ...common, fecType, rootNode, opaque: toHex(bytes(r, olen)) }
    }
    case 3:
    case 4:
    case 5: {
      if (n !== 8 && n !== 32) throw malformed(`PIM tree identifier of ${n} octets, not 8 or 32`, at)
      const w = n === 8 ? 4 : 16
      return { ...common, sender: readAddress(r, w), group: readAddress(r, w) }
    }
    case 6:
      if (n !== 4 && n !== 16) throw malformed(`ingress replication endpoint of ${n} octets`, at)
      return { ...common, endpoint: readAddress(r, n) }
    default:
      return { ...common, identifier: toHex(bytes(r, n)) }
  }
}

function identifierBytes(v: PmsiTunnel): Uint8Array {
  if ('identifier' in v) return hexOrThrow(v.identifier, 'PMSI tunnel identifier')
  if ('endpoint' in v) return addressBytes(v.endpoint)
  if ('sender' in v) {
    const s = addressBytes(v.sender)
    const g = addressBytes(v.group)
    if (s.length !== g.length) throw malformed('sender and group differ in family', 0)
    const out = new Uint8Array(s.length * 2)
    out.set(s)
    out.set(g, s.length)
    return out
  }
  if ('rootNode' in v) {
    const root = addressBytes(v.rootNode)
    const opaque = hexOrThrow(v.opaque, 'mLDP opaque value')
    const out = new Uint8Array(4 + root.length + 2 + opaque.length)
    out[0] = v.fecType
    out[2] = root.length === 4 ? 1 : 2
    out[3] = root.length
    out.set(root, 4)
    out[4 + root.length] = opaque.length >>> 8
    out[5 + root.length] = opaque.length & 0xff
    out.set(opaque, 6 + root.length)
    return out
  }
  const ext = addressBytes(v.extendedTunnelId)
  const out = new Uint8Array(8 + ext.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, v.p2mpId)
  view.setUint16(4, v.reserved ?? 0)
  view.setUint16(6, v.tunnelId)
  out.set(ext, 8)
  return out
}

export const pmsiTunnel: AttributeCodec<'PMSI_TUNNEL'> = {
  code: 22,
  name: 'PMSI_TUNNEL',
  flags: 0xc0,
  onError: 'treat-as-withdraw',
  errorKind: 'NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR',
  decode(r) {
    const n = r.end - r.pos
    if (n < 5) {
      throw new CodecError(
        'NOTIFY.UPDATE.ATTRIBUTE_LENGTH_ERROR',
        `PMSI_TUNNEL length ${n}, shorter than 5`,
        r.pos,
      )
    }
    const flags = u8(r)
    const tunnelType = u8(r)
    const label = readLabel24(r)
    return decodeIdentifier(r, { flags, tunnelType, label })
  },
  size: (v) => 5 + identifierBytes(v).length,
  encode(w, v) {
    w8(w, v.flags)
    w8(w, v.tunnelType)
    writeLabel24(w, v.label)
    wbytes(w, identifierBytes(v))
  },
}

/** One-line text of the attribute: "ingress-replication:10.0.0.1 label 101". */
export function formatPmsiTunnel(v: PmsiTunnel): string {
  const type = PMSI_TUNNEL_TYPES[v.tunnelType] ?? `type-${v.tunnelType}`
  let id: string
  if ('endpoint' in v) id = v.endpoint
  else if ('sender' in v) id = `${v.sender},${v.group}`
  else if ('rootNode' in v) id = `${v.rootNode}:${v.opaque}`
  else if ('p2mpId' in v) id = `${v.p2mpId}:${v.tunnelId}:${v.extendedTunnelId}`
  else id = v.identifier
  return `${type}${id ? `:${id}` : ''} label ${v.label.value}${v.flags & 1 ? ' leaf-info-required' : ''}`
}

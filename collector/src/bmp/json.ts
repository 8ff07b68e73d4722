// BMP messages as JSON (`routelake bmp`, tests): every field of the message,
// numbers named where the registries name them, and each BGP PDU decoded in
// the documented form (docs/json.md) with the context its peer's Peer Up
// gave (stream.ts). Octets the RFCs leave opaque are hex.

import { type CodecContext, codecContext, decodeMessage, familyName } from '../bgp/index.ts'
import { toHex } from '../wire/hex.ts'
import {
  BMP_INFO_TLV,
  BMP_MIRRORING_TLV,
  BMP_PEER_TYPE,
  BMP_TERMINATION_TLV,
  bmpPeerDownReasonName,
  bmpPeerTypeName,
  bmpStatTypeName,
  bmpTerminationReasonName,
} from './constants.ts'
import type { BmpError } from './errors.ts'
import type { BmpMessage } from './message.ts'
import { type BmpPeerHeader, peerFlags } from './peer-header.ts'
import type { BmpPeerContexts } from './stream.ts'
import { type BmpTlv, tlvText } from './tlv.ts'
import { terminationReason } from './type-5-termination.ts'

const INFO_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(BMP_INFO_TLV).map(([k, v]) => [v, k]),
)

function peerJson(h: BmpPeerHeader): object {
  const f = peerFlags(h)
  const names =
    h.peerType === BMP_PEER_TYPE.LOC_RIB_INSTANCE
      ? f.filtered
        ? ['F']
        : []
      : (['V', 'L', 'A', 'O'] as const).filter((n, i) => [f.ipv6, f.postPolicy, f.asn2, f.adjRibOut][i] && n)
  return {
    peerType: h.peerType,
    peerTypeName: bmpPeerTypeName(h.peerType),
    flags: h.flags,
    flagNames: names,
    distinguisher: h.distinguisher,
    address: h.address,
    asn: h.asn,
    bgpId: h.bgpId,
    timestamp: h.timestamp,
    microseconds: h.microseconds,
  }
}

function infoJson(
  list: readonly BmpTlv[],
  names: Readonly<Record<number, string>>,
  text: (t: number) => boolean,
) {
  return list.map((t) => ({
    type: t.type,
    ...(names[t.type] ? { name: names[t.type] } : {}),
    ...(text(t.type) ? { text: tlvText(t) } : { hex: toHex(t.value) }),
  }))
}

function pdu(bytes: Uint8Array, ctx: CodecContext): object {
  const d = decodeMessage(bytes, ctx)
  return {
    ...(d.message ? { message: d.message } : {}),
    ...(d.problems.length ? { problems: d.problems } : {}),
    ...(d.message ? {} : { hex: toHex(bytes) }),
  }
}

/** One message as a plain JSON-able object (bigints stay bigints: serialise with bgp's jsonReplacer). */
export function bmpMessageJson(m: BmpMessage, contexts: BmpPeerContexts): object {
  const open = codecContext()
  switch (m.type) {
    case 'ROUTE_MONITORING':
      return {
        type: m.type,
        peer: peerJson(m.peer),
        update: pdu(m.update, contexts.routeMonitoringContext(m.peer)),
        ...(m.trailing ? { trailing: toHex(m.trailing) } : {}),
      }
    case 'STATISTICS_REPORT':
      return {
        type: m.type,
        peer: peerJson(m.peer),
        stats: m.stats.map((s) => ({
          type: s.type,
          name: bmpStatTypeName(s.type),
          ...(s.afi !== undefined
            ? { afi: s.afi, safi: s.safi, family: familyName(s.afi, s.safi ?? 0) }
            : {}),
          ...(s.value !== undefined ? { value: s.value } : {}),
          ...(s.raw ? { hex: toHex(s.raw) } : {}),
        })),
      }
    case 'PEER_DOWN':
      return {
        type: m.type,
        peer: peerJson(m.peer),
        reason: m.reason,
        reasonName: bmpPeerDownReasonName(m.reason),
        ...(m.notification ? { notification: pdu(m.notification, open) } : {}),
        ...(m.fsmEvent !== undefined ? { fsmEvent: m.fsmEvent } : {}),
        ...(m.information ? { information: infoJson(m.information, INFO_NAMES, (t) => t <= 4) } : {}),
        ...(m.data ? { data: toHex(m.data) } : {}),
      }
    case 'PEER_UP':
      return {
        type: m.type,
        peer: peerJson(m.peer),
        localAddress: m.localAddress,
        localPort: m.localPort,
        remotePort: m.remotePort,
        sentOpen: pdu(m.sentOpen, open),
        receivedOpen: pdu(m.receivedOpen, open),
        information: infoJson(m.information, INFO_NAMES, (t) => t <= 4),
      }
    case 'INITIATION':
      return { type: m.type, information: infoJson(m.information, INFO_NAMES, (t) => t <= 4) }
    case 'TERMINATION': {
      const reason = terminationReason(m)
      return {
        type: m.type,
        information: infoJson(
          m.information,
          { 0: 'STRING', 1: 'REASON' },
          (t) => t === BMP_TERMINATION_TLV.STRING,
        ),
        ...(reason !== undefined ? { reason, reasonName: bmpTerminationReasonName(reason) } : {}),
      }
    }
    case 'ROUTE_MIRRORING':
      return {
        type: m.type,
        peer: peerJson(m.peer),
        tlvs: m.tlvs.map((t) =>
          t.type === BMP_MIRRORING_TLV.BGP_MESSAGE
            ? {
                type: t.type,
                name: 'BGP_MESSAGE',
                message: pdu(t.value, contexts.routeMonitoringContext(m.peer)),
              }
            : {
                type: t.type,
                ...(t.type === BMP_MIRRORING_TLV.INFORMATION ? { name: 'INFORMATION' } : {}),
                hex: toHex(t.value),
              },
        ),
      }
    case 'UNKNOWN':
      return { type: m.type, typeCode: m.typeCode, data: toHex(m.data) }
  }
}

export function bmpErrorJson(e: BmpError): object {
  return { kind: e.kind, reason: e.reason, offset: e.offset }
}

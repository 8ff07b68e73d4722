// SRv6 SID descriptors (RFC 9514 §6.1; 263 Multi-Topology Identifier is in
// tlv-link-descriptors.ts):
//
//   518 SRv6 SID Information   16 octets: the SRv6 SID, an IPv6 address

import { addressTlv } from './fields.ts'

export const SRV6_SID_DESCRIPTOR_TLVS = [addressTlv(518, 'SRV6_SID_INFORMATION', 16)] as const

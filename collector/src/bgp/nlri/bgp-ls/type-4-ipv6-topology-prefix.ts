// IPv6 Topology Prefix NLRI, NLRI type 4 (RFC 9552 §5.2, Figure 9): the
// layout is in topology-prefix.ts; the IP Reachability Information (TLV 265)
// is an IPv6 prefix.

import { topologyPrefixNlri } from './topology-prefix.ts'

export const ipv6TopologyPrefixNlri = topologyPrefixNlri(4, 'ipv6-topology-prefix')

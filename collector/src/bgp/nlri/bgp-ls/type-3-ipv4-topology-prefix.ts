// IPv4 Topology Prefix NLRI, NLRI type 3 (RFC 9552 §5.2, Figure 9): the
// layout is in topology-prefix.ts; the IP Reachability Information (TLV 265)
// is an IPv4 prefix.

import { topologyPrefixNlri } from './topology-prefix.ts'

export const ipv4TopologyPrefixNlri = topologyPrefixNlri(3, 'ipv4-topology-prefix')

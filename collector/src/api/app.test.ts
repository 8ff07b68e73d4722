import { describe, expect, it } from 'vitest'
import type { PeerView } from '../session/index.ts'
import { createApi } from './app.ts'

const T = Date.UTC(2024, 4, 1, 12, 0, 0)

const established: PeerView = {
  address: '192.0.2.10',
  asn: 64500,
  configuredAsn: 64500,
  localAsn: 65000,
  description: 'transit A',
  state: 'Established',
  stateSince: T - 3_600_000,
  establishedAt: T - 3_600_000,
  routerId: '10.0.0.1',
  holdTime: 90,
  keepaliveTime: 30,
  openSent: {
    type: 'OPEN',
    version: 4,
    asn: 65000,
    holdTime: 90,
    bgpId: '192.0.2.1',
    parameters: [{ type: 2, capabilities: [{ code: 2, name: 'ROUTE_REFRESH', value: true }] }],
  },
  openReceived: {
    type: 'OPEN',
    version: 4,
    asn: 64500,
    holdTime: 180,
    bgpId: '10.0.0.1',
    parameters: [{ type: 2, capabilities: [{ code: 65, name: 'FOUR_OCTET_AS', value: { asn: 64500 } }] }],
  },
  families: { 'ipv4-unicast': { paths: 10, prefixes: 9, stale: 0, endOfRibAt: T - 3_590_000 } },
  counters: {
    messagesReceived: { UPDATE: 3 },
    messagesSent: { OPEN: 1 },
    announced: 10,
    withdrawn: 0,
    establishedCount: 1,
    problems: {},
    disabledFamilies: [],
    refusedConnections: 0,
  },
}

const idle: PeerView = {
  address: '192.0.2.9',
  asn: null,
  configuredAsn: 'any',
  localAsn: 65000,
  matchedPrefix: '192.0.2.0/24',
  state: 'Active',
  stateSince: T - 1000,
  families: {},
  counters: {
    ...established.counters,
    messagesReceived: {},
    messagesSent: {},
    announced: 0,
    establishedCount: 0,
  },
  lastError: { at: T - 1000, direction: 'local', reason: 'hold timer expired' },
}

describe('GET /api/v1/peers', () => {
  it('lists every peer by address with state, families and both OPENs’ capabilities', async () => {
    const app = createApi({ peers: () => [established, idle], now: () => T })
    const res = await app.request('/api/v1/peers')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      peers: [
        {
          address: '192.0.2.9',
          asn: null,
          configuredAsn: 'any',
          localAsn: 65000,
          matchedPrefix: '192.0.2.0/24',
          state: 'active',
          stateSince: '2024-05-01T11:59:59.000Z',
          families: {},
          capabilities: { sent: [], received: [] },
          counters: idle.counters,
          lastError: { at: '2024-05-01T11:59:59.000Z', direction: 'local', reason: 'hold timer expired' },
        },
        {
          address: '192.0.2.10',
          asn: 64500,
          configuredAsn: 64500,
          localAsn: 65000,
          description: 'transit A',
          state: 'established',
          stateSince: '2024-05-01T11:00:00.000Z',
          uptime: 3600,
          establishedAt: '2024-05-01T11:00:00.000Z',
          routerId: '10.0.0.1',
          holdTime: 90,
          keepaliveTime: 30,
          families: {
            'ipv4-unicast': { paths: 10, prefixes: 9, stale: 0, endOfRib: '2024-05-01T11:00:10.000Z' },
          },
          capabilities: {
            sent: [{ code: 2, name: 'ROUTE_REFRESH', value: true }],
            received: [{ code: 65, name: 'FOUR_OCTET_AS', value: { asn: 64500 } }],
          },
          counters: established.counters,
        },
      ],
    })
  })
})

import { describe, expect, it } from 'vitest'
import {
  type CodecContext,
  decodeMessage,
  encodeMessage,
  type FamilyKey,
  familyByName,
  knownFamilyNames,
  type OpenMessage,
  openCapabilities,
} from '../bgp/index.ts'
import { fromHex } from '../wire/hex.ts'
import { compareBgpIds, resolveCollision } from './collision.ts'
import { buildOpen, familiesFor, type LocalSpeaker, negotiate, type OfferPolicy } from './negotiate.ts'
import { checkOpen, type OpenExpectations } from './open-check.ts'

const CTX: CodecContext = { asn4: true, addPath: { has: () => false }, extendedMessage: false }

const LOCAL: LocalSpeaker = {
  asn: 65000,
  routerId: '192.0.2.1',
  hostname: 'rl00',
  domain: '',
  softwareVersion: 'Routelake 0.1.0',
}

const fam = (...names: string[]): FamilyKey[] => names.map((n) => familyByName(n)!)

const POLICY: OfferPolicy = {
  families: fam('ipv4-unicast', 'ipv6-unicast', 'l2vpn-evpn'),
  addPathReceive: true,
  holdTime: 90,
  restartTime: 120,
}

function decodeOpen(hex: string): OpenMessage {
  const r = decodeMessage(fromHex(hex)!, CTX)
  expect(r.problems).toEqual([])
  return r.message as OpenMessage
}

function roundTrip(open: OpenMessage): OpenMessage {
  return decodeMessage(encodeMessage(open, CTX), CTX).message as OpenMessage
}

// FRR 7 (exit1-debian-11, AS 174), from tcpdump's bgp-extended-optional-parameters-length capture:
// RFC 9072 parameters, one capability per parameter, GR without families, LLGR for both unicast families.
const FRR_OPEN =
  'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF008C010400AE00B406060606FFFF006C0200060104000100010200060104000200010200028000020002020002000246000200064104000000AE020002060002000A4508000101010002010102001349110F65786974312D64656269616E2D31310002000440020078020010470E0001018000016800020180000168'
// From tcpdump's bgp-4byte-asn capture: AS 23456 → 4-octet 2764334674, no MP capability,
// GR with R and N bits (300 s), ADD-PATH receive for IPv4 unicast.
const AS4_OPEN =
  'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF003701045BA000B4000001011A021801040001000102004002C12C4104A4C46652450400010101'

function peerOpen(
  over: Partial<OpenMessage> = {},
  caps: OpenMessage['parameters'][number] | undefined = undefined,
) {
  const base: OpenMessage = {
    type: 'OPEN',
    version: 4,
    asn: 64500,
    holdTime: 180,
    bgpId: '198.51.100.7',
    parameters: [
      caps ?? {
        type: 2,
        capabilities: [
          { code: 1, name: 'MULTIPROTOCOL', value: { afi: 1, safi: 1, family: 'ipv4-unicast' } },
          { code: 65, name: 'FOUR_OCTET_AS', value: { asn: 64500 } },
        ],
      },
    ],
  }
  return { ...base, ...over }
}

describe('our OPEN', () => {
  it('offers every capability of the issue, in one classic optional parameter when it fits', () => {
    const open = buildOpen(LOCAL, POLICY)
    const afiSafi = (afi: number, safi: number, family: string) => ({ afi, safi, family })
    expect(open).toEqual({
      type: 'OPEN',
      version: 4,
      asn: 65000,
      holdTime: 90,
      bgpId: '192.0.2.1',
      parameters: [
        {
          type: 2,
          capabilities: [
            { code: 1, name: 'MULTIPROTOCOL', value: afiSafi(1, 1, 'ipv4-unicast') },
            { code: 1, name: 'MULTIPROTOCOL', value: afiSafi(2, 1, 'ipv6-unicast') },
            { code: 1, name: 'MULTIPROTOCOL', value: afiSafi(25, 70, 'l2vpn-evpn') },
            { code: 2, name: 'ROUTE_REFRESH', value: true },
            { code: 70, name: 'ENHANCED_ROUTE_REFRESH', value: true },
            {
              code: 5,
              name: 'EXTENDED_NEXT_HOP',
              value: [{ ...afiSafi(1, 1, 'ipv4-unicast'), nextHopAfi: 2 }],
            },
            { code: 6, name: 'EXTENDED_MESSAGE', value: true },
            {
              code: 64,
              name: 'GRACEFUL_RESTART',
              value: { restarting: false, notification: true, time: 120, families: [] },
            },
            { code: 65, name: 'FOUR_OCTET_AS', value: { asn: 65000 } },
            {
              code: 69,
              name: 'ADD_PATH',
              value: [
                { ...afiSafi(1, 1, 'ipv4-unicast'), sendReceive: 'receive' },
                { ...afiSafi(2, 1, 'ipv6-unicast'), sendReceive: 'receive' },
                { ...afiSafi(25, 70, 'l2vpn-evpn'), sendReceive: 'receive' },
              ],
            },
            { code: 71, name: 'LONG_LIVED_GRACEFUL_RESTART', value: [] },
            { code: 73, name: 'FQDN', value: { hostname: 'rl00', domain: '' } },
            { code: 75, name: 'SOFTWARE_VERSION', value: { version: 'Routelake 0.1.0' } },
          ],
        },
      ],
    })
    expect(roundTrip(open)).toEqual(open)
  })

  it('puts a 4-octet AS in FOUR_OCTET_AS with AS_TRANS in My AS', () => {
    const open = buildOpen({ ...LOCAL, asn: 4_200_000_000 }, POLICY)
    expect(open.asn).toBe(23456)
    expect(roundTrip(open)).toEqual(open)
  })

  it('switches to RFC 9072 extended optional parameters when every family does not fit 255 octets', () => {
    const open = buildOpen(LOCAL, { ...POLICY, families: knownFamilyNames().map((n) => familyByName(n)!) })
    expect(open.extendedParameters).toBe(true)
    expect(roundTrip(open)).toEqual(open)
    const small = buildOpen(LOCAL, POLICY)
    expect(small.extendedParameters).toBeUndefined()
  })
})

describe('the families offered to a peer that spoke first (DelayOpen)', () => {
  it('are those both sides have, IPv4 unicast for a peer without multiprotocol, or ours with none in common', () => {
    const ours = fam('ipv4-unicast', 'ipv6-unicast', 'l2vpn-evpn')
    expect(familiesFor(ours, undefined)).toEqual(ours)
    expect(familiesFor(ours, decodeOpen(FRR_OPEN))).toEqual(fam('ipv4-unicast', 'ipv6-unicast'))
    expect(familiesFor(ours, decodeOpen(AS4_OPEN))).toEqual(fam('ipv4-unicast'))
    expect(familiesFor(fam('l2vpn-evpn'), decodeOpen(AS4_OPEN))).toEqual(fam('l2vpn-evpn'))
  })

  it('leave graceful restart out when it is off', () => {
    const caps = (open: OpenMessage) => openCapabilities(open).map((c) => c.name)
    expect(caps(buildOpen(LOCAL, { ...POLICY, gracefulRestart: false }))).not.toContain('GRACEFUL_RESTART')
    expect(caps(buildOpen(LOCAL, { ...POLICY, gracefulRestart: false }))).not.toContain(
      'LONG_LIVED_GRACEFUL_RESTART',
    )
  })
})

describe('negotiation', () => {
  it('builds the session from our OPEN and FRR’s', () => {
    const n = negotiate(buildOpen(LOCAL, POLICY), decodeOpen(FRR_OPEN))
    expect(n).toEqual({
      peerAsn: 174,
      peerBgpId: '6.6.6.6',
      holdTime: 90,
      families: fam('ipv4-unicast', 'ipv6-unicast'),
      context: { asn4: true, addPath: new Set(), extendedMessage: true },
      sendContext: { asn4: true, addPath: new Set(), extendedMessage: true },
      addPathReceive: [],
      addPathSend: [],
      asn4: true,
      extendedMessage: true,
      routeRefresh: true,
      enhancedRouteRefresh: true,
      extendedNextHop: [],
      gracefulRestart: { restartTime: 120, restarting: false, notification: false, families: new Map() },
      longLivedStale: new Map(fam('ipv4-unicast', 'ipv6-unicast').map((f) => [f, 360])),
      peerHostname: 'exit1-debian-11',
    })
  })

  it('takes IPv4 unicast from a peer without multiprotocol, and its 4-octet AS and GR flags', () => {
    const n = negotiate(buildOpen(LOCAL, POLICY), decodeOpen(AS4_OPEN))
    expect(n).toEqual({
      peerAsn: 2764334674,
      peerBgpId: '0.0.1.1',
      holdTime: 90,
      families: fam('ipv4-unicast'),
      context: { asn4: true, addPath: new Set(), extendedMessage: false },
      sendContext: { asn4: true, addPath: new Set(), extendedMessage: false },
      addPathReceive: [],
      addPathSend: [],
      asn4: true,
      extendedMessage: false,
      routeRefresh: true,
      enhancedRouteRefresh: false,
      extendedNextHop: [],
      gracefulRestart: { restartTime: 300, restarting: true, notification: true, families: new Map() },
    })
  })

  it('receives path ids only where the peer sends them, and sends where it receives', () => {
    const sent = buildOpen(LOCAL, { ...POLICY, addPathSend: true })
    const received = peerOpen(
      {},
      {
        type: 2,
        capabilities: [
          { code: 1, name: 'MULTIPROTOCOL', value: { afi: 1, safi: 1, family: 'ipv4-unicast' } },
          { code: 1, name: 'MULTIPROTOCOL', value: { afi: 2, safi: 1, family: 'ipv6-unicast' } },
          { code: 1, name: 'MULTIPROTOCOL', value: { afi: 25, safi: 70, family: 'l2vpn-evpn' } },
          {
            code: 69,
            name: 'ADD_PATH',
            value: [
              { afi: 1, safi: 1, family: 'ipv4-unicast', sendReceive: 'send' },
              { afi: 2, safi: 1, family: 'ipv6-unicast', sendReceive: 'both' },
              { afi: 25, safi: 70, family: 'l2vpn-evpn', sendReceive: 'receive' },
            ],
          },
        ],
      },
    )
    const n = negotiate(sent, received)
    expect([n.addPathReceive, n.addPathSend, n.asn4]).toEqual([
      fam('ipv4-unicast', 'ipv6-unicast'),
      fam('ipv6-unicast', 'l2vpn-evpn'),
      false,
    ])
    expect(n.context.addPath.has(familyByName('ipv4-unicast')!)).toBe(true)
    expect(n.context.addPath.has(familyByName('l2vpn-evpn')!)).toBe(false)
    // Without ADD-PATH receive on our side, nothing carries path ids.
    expect(
      negotiate(buildOpen(LOCAL, { ...POLICY, addPathReceive: false }), received).addPathReceive,
    ).toEqual([])
  })

  it('negotiates the hold time down to the smaller, and to 0 when either side says 0', () => {
    const sent = buildOpen(LOCAL, POLICY)
    expect(negotiate(sent, peerOpen({ holdTime: 30 })).holdTime).toBe(30)
    expect(negotiate(sent, peerOpen({ holdTime: 0 })).holdTime).toBe(0)
  })
})

describe('OPEN checks (RFC 4271 §6.2)', () => {
  const sent = buildOpen(LOCAL, POLICY)
  const expectations: OpenExpectations = { localAsn: 65000, localBgpId: '192.0.2.1', peerAsn: 64500 }
  const verdict = (open: OpenMessage, e: OpenExpectations = expectations) =>
    checkOpen(open, [], sent, negotiate(sent, open), e)
  const notification = (subcode: number, data = '') => ({ type: 'NOTIFICATION', code: 2, subcode, data })

  it('accepts a good OPEN, and any AS where any is allowed', () => {
    expect(verdict(peerOpen())).toBeUndefined()
    expect(verdict(peerOpen({ asn: 1 }), { ...expectations, peerAsn: 'any' })).toBeUndefined()
  })

  it('answers each fault with its subcode and data', () => {
    expect(verdict(peerOpen({ version: 3 }))).toEqual({
      notification: notification(1, '0004'),
      reason: 'version 3',
    })
    expect(
      verdict(
        peerOpen({}, { type: 2, capabilities: [{ code: 65, name: 'FOUR_OCTET_AS', value: { asn: 64501 } }] }),
      ),
    ).toEqual({ notification: notification(2), reason: 'AS 64501, expected 64500' })
    expect(verdict(peerOpen({ bgpId: '0.0.0.0' }))).toEqual({
      notification: notification(3),
      reason: 'identifier 0.0.0.0',
    })
    expect(
      verdict(
        peerOpen(
          { bgpId: '192.0.2.1' },
          { type: 2, capabilities: [{ code: 65, name: 'FOUR_OCTET_AS', value: { asn: 65000 } }] },
        ),
        { ...expectations, peerAsn: 65000 },
      ),
    ).toEqual({ notification: notification(3), reason: 'internal peer with our identifier 192.0.2.1' })
    expect(verdict(peerOpen({ holdTime: 2 }))).toEqual({
      notification: notification(6),
      reason: 'hold time 2',
    })
    expect(verdict(peerOpen({ parameters: [{ type: 1, hex: '00' }] }))).toEqual({
      notification: notification(4, '01'),
      reason: 'optional parameter type 1',
    })
  })

  it('refuses a peer with no family in common, quoting our multiprotocol capabilities', () => {
    const flow = peerOpen(
      {},
      {
        type: 2,
        capabilities: [
          { code: 1, name: 'MULTIPROTOCOL', value: { afi: 1, safi: 133, family: 'ipv4-flowspec' } },
        ],
      },
    )
    expect(verdict(flow)).toEqual({
      notification: notification(7, '010400010001010400020001010400190046'),
      reason: 'no address family in common',
    })
  })

  it('passes on the codec’s session-reset problems', () => {
    const open = peerOpen()
    expect(
      checkOpen(
        open,
        [
          {
            kind: 'NOTIFY.OPEN.UNSPECIFIC',
            action: 'session-reset',
            offset: 30,
            reason: 'capability FQDN: short',
          },
        ],
        sent,
        negotiate(sent, open),
        expectations,
      ),
    ).toEqual({ notification: notification(0), reason: 'capability FQDN: short' })
  })
})

describe('collision detection (RFC 4271 §6.8)', () => {
  const side = (state: 'OpenSent' | 'OpenConfirm' | 'Established' | 'Active', initiatedLocally: boolean) => ({
    state,
    initiatedLocally,
  })

  it('compares identifiers as unsigned 32-bit numbers', () => {
    expect(Math.sign(compareBgpIds('10.0.0.1', '9.255.255.255'))).toBe(1)
    expect(Math.sign(compareBgpIds('128.0.0.0', '127.255.255.255'))).toBe(1)
    expect(compareBgpIds('192.0.2.1', '192.0.2.1')).toBe(0)
  })

  it('keeps the connection the higher identifier initiated', () => {
    // We are higher: keep the connection we initiated.
    expect(resolveCollision('10.0.0.2', '10.0.0.1', side('OpenConfirm', true), side('OpenSent', false))).toBe(
      'keep-existing',
    )
    expect(resolveCollision('10.0.0.2', '10.0.0.1', side('OpenConfirm', false), side('OpenSent', true))).toBe(
      'keep-new',
    )
    // The peer is higher: keep the connection it initiated.
    expect(resolveCollision('10.0.0.1', '10.0.0.2', side('OpenConfirm', true), side('OpenSent', false))).toBe(
      'keep-new',
    )
  })

  it('keeps the newer of two connections the peer initiated', () => {
    expect(
      resolveCollision('10.0.0.1', '10.0.0.2', side('OpenConfirm', false), side('OpenSent', false)),
    ).toBe('keep-new')
  })

  it('keeps an Established session unless the peer restarts gracefully', () => {
    expect(
      resolveCollision('10.0.0.1', '10.0.0.2', side('Established', false), side('OpenSent', false)),
    ).toBe('keep-existing')
    expect(
      resolveCollision('10.0.0.1', '10.0.0.2', side('Established', false), side('OpenSent', false), true),
    ).toBe('keep-new')
    expect(resolveCollision('10.0.0.1', '10.0.0.2', side('Active', false), side('OpenSent', false))).toBe(
      'no-collision',
    )
  })
})

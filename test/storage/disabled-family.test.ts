// Storage agrees with the RIB after an RFC 7606 AFI/SAFI disable: a real
// session (scripted speaker) switches IPv6 off with a malformed MP_REACH_NLRI;
// its later IPv6 NLRI are ignored by the RIB, so the events carry the disabled
// family through the batch and the writer stores no `updates` rows for them,
// while `messages` keeps every UPDATE as received.

import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_CONTEXT, encodeMessage, type UpdateMessage } from '../../collector/src/bgp/index.ts'
import { BatchWriter } from '../../collector/src/storage/batch.ts'
import { routesAt } from '../../collector/src/storage/queries.ts'
import { type Harness, peerSettings, startHarness } from '../sessions/harness.ts'
import { mp, open, ScriptedSpeaker } from '../sessions/scripted-speaker.ts'
import { cleanDirs, embeddedOptions, settled, tempDir, writerFor } from './support.ts'

const cleanup: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
  cleanDirs()
})

const PEER = '127.0.0.2'
const ORIGIN_AND_PATH = [
  { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
  { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns: [64500] }] },
] as const

function update(v6: string[], v4: string[] = []): UpdateMessage {
  return {
    type: 'UPDATE',
    withdrawn: [],
    attributes: [
      ...(v6.length
        ? [
            {
              code: 14,
              flags: 0x90,
              name: 'MP_REACH_NLRI' as const,
              value: {
                afi: 2,
                safi: 1,
                family: 'ipv6-unicast',
                nextHop: ['2001:db8::1'],
                nlri: v6.map((prefix) => ({ prefix })),
              },
            },
          ]
        : []),
      ...ORIGIN_AND_PATH,
      ...(v4.length ? [{ code: 3, flags: 0x40, name: 'NEXT_HOP' as const, value: '192.0.2.1' }] : []),
    ],
    nlri: v4.map((prefix) => ({ prefix })),
  }
}

async function session(): Promise<{ h: Harness; s: ScriptedSpeaker }> {
  const h = await startHarness([peerSettings({ address: PEER })])
  cleanup.push(() => h.close())
  const s = await ScriptedSpeaker.connect(h.port, PEER)
  cleanup.push(() => s.close())
  s.send(open(64500, '10.0.0.2', [mp(1, 1, 'ipv4-unicast'), mp(2, 1, 'ipv6-unicast')]))
  await s.next('OPEN')
  await s.next('KEEPALIVE')
  s.send({ type: 'KEEPALIVE' })
  await h.until('established', () => h.sessions.peer(PEER)?.state === 'Established')
  return { h, s }
}

describe('an RFC 7606 AFI/SAFI disable', () => {
  it('keeps the disabled family out of `updates`, as out of the RIB', async () => {
    const { h, s } = await session()
    const peer = h.sessions.peer(PEER)!
    const paths = () => h.rib.count(h.rib.peer(PEER)).paths
    s.send(update(['2001:db8:1::/48']))
    await h.until('IPv6 announced', () => paths() === 1)
    // An IPv6 prefix length of 200 in MP_REACH_NLRI: the family is disabled (RFC 7606 §7.3, §5.3).
    const bad = encodeMessage(update(['2001:db8:2::/48']), DEFAULT_CONTEXT)
    expect([bad[23], bad[24], bad[48]]).toEqual([0x90, 14, 48])
    bad[48] = 200
    s.sendRaw(bad)
    await h.until('IPv6 disabled', () => peer.view().counters.disabledFamilies.length === 1)
    // Clean UPDATEs after it: the IPv6 part is ignored, the IPv4 part taken.
    s.send(update(['2001:db8:3::/48'], ['198.51.100.0/24']))
    s.send(update(['2001:db8:4::/48']))
    s.send({ type: 'KEEPALIVE' })
    await h.until(
      'IPv4 announced',
      () => paths() === 1 && h.rib.exact('ipv4-unicast', '198.51.100.0/24') !== undefined,
    )
    await h.until('all received', () => (peer.view().counters.messagesReceived.KEEPALIVE ?? 0) >= 2)
    expect([peer.view().counters.disabledFamilies, peer.state]).toEqual([['ipv6-unicast'], 'Established'])

    const { writer } = writerFor(embeddedOptions(tempDir()))
    cleanup.push(() => writer.stop())
    await writer.start()
    const b = new BatchWriter()
    for (const e of h.events) e.type === 'message' ? b.addMessage(e) : b.addState(e)
    writer.submit('session-1', b.take(), h.events.length)
    await settled(writer)

    expect(
      await writer.query(
        `SELECT toString(action) AS action, family, toString(prefix) AS prefix, prefix_length AS length, synthetic
         FROM updates ORDER BY sequence`,
      ),
    ).toEqual([
      { action: 'announce', family: 'ipv6-unicast', prefix: '2001:db8:1::', length: 48, synthetic: false },
      // The disable removed the family's routes: a synthetic withdrawal, as the RIB did.
      { action: 'withdraw', family: 'ipv6-unicast', prefix: '2001:db8:1::', length: 48, synthetic: true },
      {
        action: 'announce',
        family: 'ipv4-unicast',
        prefix: '::ffff:198.51.100.0',
        length: 24,
        synthetic: false,
      },
    ])
    // Every UPDATE received is kept whole in `messages`; the counts there follow the rows.
    expect(
      await writer.query(
        `SELECT announced, withdrawn, synthetic FROM messages
         WHERE type = 'UPDATE' AND direction = 'received' ORDER BY sequence`,
      ),
    ).toEqual([
      { announced: 1, withdrawn: 0, synthetic: false },
      { announced: 0, withdrawn: 1, synthetic: true },
      { announced: 0, withdrawn: 0, synthetic: false },
      { announced: 1, withdrawn: 0, synthetic: false },
      { announced: 0, withdrawn: 0, synthetic: false },
    ])
    const stored = await routesAt(writer, { prefix: '::/0', match: 'more-specific' })
    const storedV4 = await routesAt(writer, { prefix: '0.0.0.0/0', match: 'more-specific' })
    expect([...stored, ...storedV4].map((r) => r.prefix)).toEqual(['198.51.100.0/24'])
  })
})

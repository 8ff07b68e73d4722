// The storage writer child on the embedded engine: clean start-up and
// shutdown (exit code 0, no segfault), every kind of message stored as the
// documented rows, a batch inserted twice stored once, a malformed batch set
// aside, and the child killed mid-stream restarted with nothing lost or doubled.

import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  type BgpMessage,
  type CodecContext,
  DEFAULT_CONTEXT,
  decodeMessage,
  encodeMessage,
  type UpdateMessage,
  updateRoutes,
} from '../../collector/src/bgp/index.ts'
import type { BusEvent, UpdateEvent } from '../../collector/src/events/index.ts'
import { BatchWriter } from '../../collector/src/storage/batch.ts'
import type { StorageWriter } from '../../collector/src/storage/writer.ts'
import { ADD_PATH, ASN2, sample } from '../../collector/test-support/samples.ts'
import { cleanDirs, embeddedOptions, scalar, settled, tempDir, until, writerFor } from './support.ts'

const writers: StorageWriter[] = []
afterEach(async () => {
  for (const w of writers.splice(0)) await w.stop()
  cleanDirs()
})

let sequence = 0
const T0 = Date.UTC(2024, 4, 1, 12, 0, 0) * 1000

function event(raw: Uint8Array, ctx: CodecContext, over: Partial<UpdateEvent> = {}): UpdateEvent {
  const d = decodeMessage(raw, ctx)
  const routes =
    d.message?.type === 'UPDATE' ? updateRoutes(d.message as UpdateMessage, d.problems, ctx) : undefined
  sequence++
  return {
    type: 'message',
    host: 'rl-test',
    peerAddress: '192.0.2.1',
    peerAsn: 64500,
    localAsn: 65000,
    timestamp: T0 + sequence * 1000,
    sequence,
    direction: 'received',
    raw,
    message: d.message,
    context: ctx,
    ...(routes ? { routes } : {}),
    problems: d.problems,
    ...over,
  }
}

function batchOf(events: readonly BusEvent[]): Uint8Array {
  const b = new BatchWriter()
  for (const e of events) e.type === 'message' ? b.addMessage(e) : b.addState(e)
  return b.take()
}

async function started(dir = tempDir()) {
  const { writer, logs } = writerFor(embeddedOptions(dir))
  writers.push(writer)
  await writer.start()
  return { writer, logs, dir }
}

function encode(m: BgpMessage, ctx: CodecContext = DEFAULT_CONTEXT): Uint8Array {
  return encodeMessage(m, ctx)
}

describe('storage writer', () => {
  it('starts with the embedded engine, migrates, and stops cleanly with exit code 0', async () => {
    const { writer, writer: w } = await started()
    expect(w.pid).toBeGreaterThan(0)
    const child = writer.stats().child!
    expect([child.connected, child.healthy, child.schemaVersion]).toEqual([true, true, 4])
    writers.splice(writers.indexOf(writer), 1)
    expect(await writer.stop()).toBe(0)
    expect(writer.stats().running).toBe(false)
  })

  it('stores every kind of message as the documented rows', async () => {
    const { writer } = await started()
    // RFC 7432 §7.3 Inclusive Multicast Ethernet Tag route: no IP prefix.
    const evpnRoute = { routeType: 3, rd: '65000:1', ethernetTag: 0, originator: '192.0.2.1' }
    const evpn = encode({
      type: 'UPDATE',
      withdrawn: [],
      attributes: [
        {
          code: 14,
          flags: 0x90,
          name: 'MP_REACH_NLRI',
          value: {
            afi: 25,
            safi: 70,
            family: 'l2vpn-evpn',
            nextHop: ['192.0.2.1'],
            nlri: [evpnRoute],
          },
        },
        { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
        { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns: [64500] }] },
      ],
      nlri: [],
    })
    const withSet = encode({
      type: 'UPDATE',
      withdrawn: [{ prefix: '198.51.100.0/24' }],
      attributes: [
        { code: 1, flags: 0x40, name: 'ORIGIN', value: 'incomplete' },
        {
          code: 2,
          flags: 0x40,
          name: 'AS_PATH',
          value: [
            { type: 'AS_SEQUENCE', asns: [64500, 64501] },
            { type: 'AS_SET', asns: [64510, 64511] },
          ],
        },
        { code: 3, flags: 0x40, name: 'NEXT_HOP', value: '192.0.2.1' },
      ],
      nlri: [{ prefix: '203.0.113.77/24' }],
    })
    const samples = {
      open: sample('open every capability in one parameter'),
      core: sample('update every core attribute'),
      addPath: sample('update add-path ipv4 and ipv6'),
      vpn: sample('update ipv4-vpn and ipv4-labeled'),
      as4: sample('update 2-octet session with AS4_PATH and AS4_AGGREGATOR'),
      shutdown: sample('notification shutdown communication'),
    }
    sequence = 0
    const events: BusEvent[] = [
      event(samples.open.bytes, samples.open.ctx),
      event(samples.core.bytes, samples.core.ctx),
      event(samples.addPath.bytes, ADD_PATH),
      event(samples.vpn.bytes, samples.vpn.ctx),
      event(samples.as4.bytes, ASN2),
      event(evpn, DEFAULT_CONTEXT),
      event(withSet, DEFAULT_CONTEXT, { peerAddress: '2001:db8::2', direction: 'received', synthetic: true }),
      event(samples.shutdown.bytes, samples.shutdown.ctx, { direction: 'sent' }),
      // A message whose header is damaged: kept, with its problem.
      event(new Uint8Array(19).fill(0xff), DEFAULT_CONTEXT),
      {
        type: 'state',
        host: 'rl-test',
        peerAddress: '192.0.2.1',
        peerAsn: 64500,
        localAsn: 65000,
        timestamp: T0 + 20_000,
        sequence: 20,
        from: 'Established',
        to: 'Idle',
        risState: 'down',
        reason: 'Cease\tsent',
      },
    ]
    writer.submit('content-1', batchOf(events), events.length)
    await settled(writer)
    expect(writer.stats().batches).toEqual({ inserted: 1, spooled: 0, rejected: 0, dropped: 0 })

    const messages = await writer.query(
      `SELECT toUnixTimestamp64Micro(time) AS t, collector, toString(peer_address) AS peer, peer_asn, local_asn,
              sequence, direction, type, hex(raw) = {hex:String} AS raw_ok, asn4, add_path, extended_message,
              synthetic, announced, withdrawn, end_of_rib, problems
       FROM messages WHERE sequence = 3`,
      { hex: Buffer.from(samples.addPath.bytes).toString('hex').toUpperCase() },
    )
    expect(messages).toEqual([
      {
        t: String(T0 + 3000),
        collector: 'rl-test',
        peer: '::ffff:192.0.2.1',
        peer_asn: 64500,
        local_asn: 65000,
        sequence: '3',
        direction: 'received',
        type: 'UPDATE',
        raw_ok: 1,
        asn4: true,
        add_path: expect.arrayContaining(['ipv4-unicast', 'ipv6-unicast', 'l2vpn-evpn']),
        extended_message: false,
        synthetic: false,
        announced: 3,
        withdrawn: 1,
        end_of_rib: '',
        problems: [],
      },
    ])
    expect(
      await writer.query(
        'SELECT sequence, type, problems FROM messages WHERE sequence IN (1, 8, 9) ORDER BY sequence',
      ),
    ).toEqual([
      { sequence: '1', type: 'OPEN', problems: [] },
      { sequence: '8', type: 'NOTIFICATION', problems: [] },
      { sequence: '9', type: 'UNKNOWN', problems: ['NOTIFY.HEADER.BAD_MESSAGE_LENGTH'] },
    ])

    // The core attributes: one announcement of 192.0.2.0/24 with every column filled.
    const core = await writer.query(`SELECT * EXCEPT (time) FROM updates WHERE sequence = 2`)
    expect(core).toEqual([
      {
        prefix: '::ffff:192.0.2.0',
        prefix_length: 24,
        nlri_key: '',
        path_id: 0,
        rd: '',
        nlri_json: '',
        action: 'announce',
        family: 'ipv4-unicast',
        next_hop: ['192.0.2.1'],
        collector: 'rl-test',
        peer_address: '::ffff:192.0.2.1',
        sequence: '2',
        peer_asn: 64500,
        treat_as_withdraw: false,
        synthetic: false,
        origin: 'igp',
        as_path: [65001],
        as_path_segments: [{ type: 'AS_SEQUENCE', length: 1 }],
        origin_asn: 65001,
        med: 100,
        local_pref: 200,
        atomic_aggregate: true,
        aggregator_asn: 4200000000,
        aggregator_address: '192.0.2.9',
        communities: ['BLACKHOLE'],
        large_communities: ['4200000000:1:2'],
        extended_communities: ['target:65000:100', 'origin-validation:invalid'],
        ipv6_extended_communities: ['target:[2001:db8::5]:7'],
        originator_id: '10.0.0.1',
        cluster_list: ['10.0.0.2', '10.0.0.3'],
        otc: 65010,
        aigp: '1000',
        other_attributes:
          '[{"code":99,"flags":224,"name":"UNKNOWN","value":"010203"},{"code":128,"flags":208,"name":"ATTR_SET","value":{"originAs":65020,"attributes":[{"code":1,"flags":64,"name":"ORIGIN","value":"incomplete"},{"code":2,"flags":64,"name":"AS_PATH","value":[{"type":"AS_SEQUENCE","asns":[65020]}]}]}}]',
      },
    ])

    const route = `SELECT sequence, toString(peer_address) AS peer, action, family, toString(prefix) AS prefix, prefix_length,
      path_id, rd, nlri_key, nlri_json, next_hop, as_path, as_path_segments, origin_asn, origin, aggregator_asn,
      synthetic FROM updates WHERE sequence IN (3, 4, 5, 6, 7) ORDER BY sequence, family, action, prefix, path_id`
    const base = { nlri_key: '', nlri_json: '', rd: '', synthetic: false, aggregator_asn: null }
    const ann = { action: 'announce', origin: 'igp', origin_asn: 65001, as_path: [65001] }
    const seq = [{ type: 'AS_SEQUENCE', length: 1 }]
    const none = { as_path: [], as_path_segments: [], origin_asn: 0, origin: '', next_hop: [] }
    expect(await writer.query(route)).toEqual([
      // ADD-PATH: two paths of one IPv4 prefix, an IPv6 one, and a withdrawal with its path id.
      {
        ...base,
        ...ann,
        sequence: '3',
        peer: '::ffff:192.0.2.1',
        family: 'ipv4-unicast',
        prefix: '::ffff:192.0.2.0',
        prefix_length: 24,
        path_id: 1,
        next_hop: ['192.0.2.1'],
        as_path_segments: seq,
      },
      {
        ...base,
        ...ann,
        sequence: '3',
        peer: '::ffff:192.0.2.1',
        family: 'ipv4-unicast',
        prefix: '::ffff:192.0.2.0',
        prefix_length: 24,
        path_id: 2,
        next_hop: ['192.0.2.1'],
        as_path_segments: seq,
      },
      {
        ...base,
        ...none,
        sequence: '3',
        peer: '::ffff:192.0.2.1',
        action: 'withdraw',
        family: 'ipv4-unicast',
        prefix: '::ffff:198.51.100.0',
        prefix_length: 24,
        path_id: 7,
      },
      {
        ...base,
        ...ann,
        sequence: '3',
        peer: '::ffff:192.0.2.1',
        family: 'ipv6-unicast',
        prefix: '2001:db8::',
        prefix_length: 32,
        path_id: 1,
        next_hop: ['2001:db8::1'],
        as_path_segments: seq,
      },
      // VPN and labeled: the prefix in the index, the route's identity in nlri_key, its fields in nlri_json.
      {
        ...base,
        ...none,
        sequence: '4',
        peer: '::ffff:192.0.2.1',
        action: 'withdraw',
        family: 'ipv4-labeled',
        prefix: '::ffff:10.9.9.0',
        prefix_length: 24,
        path_id: 0,
        nlri_key: '10.9.9.0/24',
        nlri_json: '{"labels":[524288],"labelFlags":[0],"prefix":"10.9.9.0/24"}',
      },
      {
        ...base,
        ...ann,
        sequence: '4',
        peer: '::ffff:192.0.2.1',
        family: 'ipv4-vpn',
        prefix: '::ffff:10.1.2.0',
        prefix_length: 24,
        path_id: 0,
        rd: '65000:100',
        nlri_key: '65000:100 10.1.2.0/24',
        nlri_json: '{"labels":[100],"rd":"65000:100","prefix":"10.1.2.0/24"}',
        next_hop: ['192.0.2.1'],
        as_path_segments: seq,
      },
      {
        ...base,
        ...ann,
        sequence: '4',
        peer: '::ffff:192.0.2.1',
        family: 'ipv4-vpn',
        prefix: '::ffff:10.1.3.0',
        prefix_length: 24,
        path_id: 0,
        rd: '192.0.2.1:7',
        nlri_key: '192.0.2.1:7 10.1.3.0/24',
        nlri_json: '{"labels":[101],"rd":"192.0.2.1:7","prefix":"10.1.3.0/24"}',
        next_hop: ['192.0.2.1'],
        as_path_segments: seq,
      },
      // A 2-octet session: the effective path and aggregator (AS4_PATH, AS4_AGGREGATOR merged).
      {
        ...base,
        ...ann,
        sequence: '5',
        peer: '::ffff:192.0.2.1',
        family: 'ipv4-unicast',
        prefix: '::ffff:10.1.0.0',
        prefix_length: 16,
        path_id: 0,
        next_hop: ['192.0.2.1'],
        as_path: [65001, 4200000001, 4200000002],
        as_path_segments: [{ type: 'AS_SEQUENCE', length: 3 }],
        origin_asn: 4200000002,
        aggregator_asn: 4200000001,
      },
      // EVPN: no IP prefix (length 255), the route in nlri_key and nlri_json.
      {
        ...base,
        ...ann,
        sequence: '6',
        peer: '::ffff:192.0.2.1',
        family: 'l2vpn-evpn',
        prefix: '::',
        prefix_length: 255,
        path_id: 0,
        rd: '65000:1',
        nlri_key: '3:65000:1:0:192.0.2.1',
        nlri_json: '{"routeType":3,"rd":"65000:1","ethernetTag":0,"originator":"192.0.2.1"}',
        next_hop: ['192.0.2.1'],
        as_path: [64500],
        as_path_segments: seq,
        origin_asn: 64500,
      },
      // An AS_SET kept as a set (no origin AS), host bits cleared, a synthetic withdrawal from an IPv6 peer.
      {
        ...base,
        sequence: '7',
        peer: '2001:db8::2',
        action: 'announce',
        family: 'ipv4-unicast',
        prefix: '::ffff:203.0.113.0',
        prefix_length: 24,
        path_id: 0,
        next_hop: ['192.0.2.1'],
        as_path: [64500, 64501, 64510, 64511],
        as_path_segments: [
          { type: 'AS_SEQUENCE', length: 2 },
          { type: 'AS_SET', length: 2 },
        ],
        origin_asn: 0,
        origin: 'incomplete',
        synthetic: true,
      },
      {
        ...base,
        ...none,
        sequence: '7',
        peer: '2001:db8::2',
        action: 'withdraw',
        family: 'ipv4-unicast',
        prefix: '::ffff:198.51.100.0',
        prefix_length: 24,
        path_id: 0,
        synthetic: true,
      },
    ])

    const peerEvents = await writer.query(
      `SELECT sequence, event, direction, from_state, to_state, reason, open_asn, bgp_id, hold_time, capabilities,
              notification_code, notification_subcode, notification, shutdown_message, length(message) > 0 AS has_json,
              length(raw) AS raw_length
       FROM peer_events ORDER BY sequence`,
    )
    expect(peerEvents).toEqual([
      {
        sequence: '1',
        event: 'open',
        direction: 'received',
        from_state: '',
        to_state: '',
        reason: '',
        open_asn: 4200000000,
        bgp_id: '192.0.2.1',
        hold_time: 180,
        capabilities: [
          'MULTIPROTOCOL',
          'MULTIPROTOCOL',
          'MULTIPROTOCOL',
          'ROUTE_REFRESH',
          'EXTENDED_NEXT_HOP',
          'EXTENDED_MESSAGE',
          'BGP_ROLE',
          'GRACEFUL_RESTART',
          'FOUR_OCTET_AS',
          'ADD_PATH',
          'ENHANCED_ROUTE_REFRESH',
          'LONG_LIVED_GRACEFUL_RESTART',
          'FQDN',
          'SOFTWARE_VERSION',
          'UNKNOWN',
        ],
        notification_code: 0,
        notification_subcode: 0,
        notification: '',
        shutdown_message: '',
        has_json: 1,
        raw_length: String(samples.open.bytes.length),
      },
      {
        sequence: '8',
        event: 'notification',
        direction: 'sent',
        from_state: '',
        to_state: '',
        reason: '',
        open_asn: 0,
        bgp_id: '0.0.0.0',
        hold_time: 0,
        capabilities: [],
        notification_code: 6,
        notification_subcode: 2,
        notification: 'CEASE.ADMINISTRATIVE_SHUTDOWN',
        shutdown_message: 'maintenance — back in 5 min ✓',
        has_json: 1,
        raw_length: String(samples.shutdown.bytes.length),
      },
      {
        sequence: '20',
        event: 'state',
        direction: '',
        from_state: 'Established',
        to_state: 'Idle',
        reason: 'Cease\tsent',
        open_asn: 0,
        bgp_id: '0.0.0.0',
        hold_time: 0,
        capabilities: [],
        notification_code: 0,
        notification_subcode: 0,
        notification: '',
        shutdown_message: '',
        has_json: 0,
        raw_length: '0',
      },
    ])
    // The minute counts, as a chart reads them.
    expect(
      await writer.query(
        `SELECT toString(peer_address) AS peer, type, sum(messages) AS n FROM message_counts_1m
         GROUP BY peer, type ORDER BY peer, type`,
      ),
    ).toEqual([
      { peer: '2001:db8::2', type: 'UPDATE', n: '1' },
      { peer: '::ffff:192.0.2.1', type: 'UNKNOWN', n: '1' },
      { peer: '::ffff:192.0.2.1', type: 'OPEN', n: '1' },
      { peer: '::ffff:192.0.2.1', type: 'UPDATE', n: '5' },
      { peer: '::ffff:192.0.2.1', type: 'NOTIFICATION', n: '1' },
    ])
  })

  it('stores a batch once however often it is inserted (its id is the deduplication token)', async () => {
    const { writer } = await started()
    sequence = 0
    const core = sample('update every core attribute')
    const events = Array.from({ length: 50 }, () => event(core.bytes, core.ctx))
    const batch = batchOf(events)
    const counts = async () => ({
      messages: await scalar(writer, 'SELECT count() FROM messages'),
      updates: await scalar(writer, 'SELECT count() FROM updates'),
      minuteMessages: await scalar(writer, 'SELECT sum(messages) FROM message_counts_1m'),
      minuteAnnouncements: await scalar(writer, 'SELECT sum(announcements) FROM update_counts_1m'),
    })
    writer.submit('dedup-1', batch, events.length)
    await settled(writer)
    const once = { messages: 50, updates: 50, minuteMessages: 50, minuteAnnouncements: 50 }
    expect(await counts()).toEqual(once)
    // The same batch again, as after a lost acknowledgement or a replay from the spool.
    writer.submit('dedup-1', batch.slice(), events.length)
    await settled(writer)
    writer.submit('dedup-1', batch.slice(), events.length)
    await settled(writer)
    expect(await counts()).toEqual(once)
    // The same content under another id is another batch: the counts are real.
    writer.submit('dedup-2', batch.slice(), events.length)
    await settled(writer)
    expect(await counts()).toEqual({
      messages: 100,
      updates: 100,
      minuteMessages: 100,
      minuteAnnouncements: 100,
    })
    // A token is never left behind for the inserts that follow (the embedded engine's SET trap).
    writer.submit('dedup-3', batch.slice(), events.length)
    await settled(writer)
    expect(await counts()).toEqual({
      messages: 150,
      updates: 150,
      minuteMessages: 150,
      minuteAnnouncements: 150,
    })
  })

  it('sets a batch ClickHouse cannot take aside and goes on with the next', async () => {
    const { writer, dir } = await started()
    sequence = 0
    const core = sample('update every core attribute')
    const good = batchOf([event(core.bytes, core.ctx)])
    const damaged = good.slice(0, good.length - 3)
    writer.submit('bad-1', damaged, 1)
    writer.submit('good-1', good, 1)
    await settled(writer)
    expect(writer.stats().events).toEqual({ inserted: 1, spooled: 0, rejected: 1, dropped: 0 })
    expect(writer.stats().child).toMatchObject({ insertedBatches: 1, rejectedBatches: 1, rejectedEvents: 1 })
    expect(readdirSync(join(dir, 'spool', 'rejected'))).toEqual(['bad-1.rlb'])
    expect(await scalar(writer, 'SELECT count() FROM messages')).toBe(1)
  })

  it('restarts a child that was killed, sends it what it had not acknowledged and replays its spool: nothing lost, nothing doubled', async () => {
    const { writer, logs } = await started()
    sequence = 0
    const core = sample('update every core attribute')
    const total = 40
    const perBatch = 500
    for (let i = 0; i < total; i++) {
      const events = Array.from({ length: perBatch }, () => event(core.bytes, core.ctx))
      writer.submit(`kill-${i}`, batchOf(events), perBatch)
      if (i === 10) {
        await until('some batches inserted', () => {
          writer.refreshStats()
          return (writer.stats().child?.insertedBatches ?? 0) > 0
        })
        process.kill(writer.pid!, 'SIGKILL')
      }
    }
    await until('the writer restarted', () => writer.stats().restarts === 1 && writer.stats().running)
    await settled(writer)
    const stats = writer.stats()
    expect(stats.batches.dropped).toBe(0)
    expect(stats.batches.inserted + stats.batches.spooled).toBe(total)
    expect(await scalar(writer, 'SELECT count() FROM messages')).toBe(total * perBatch)
    expect(await scalar(writer, 'SELECT uniqExact(sequence) FROM messages')).toBe(total * perBatch)
    expect(await scalar(writer, 'SELECT count() FROM updates')).toBe(total * perBatch)
    expect(await scalar(writer, 'SELECT sum(messages) FROM message_counts_1m')).toBe(total * perBatch)
    expect(logs.some((l) => l.includes('storage writer died; starting it again'))).toBe(true)
  })
})

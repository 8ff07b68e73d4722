// The RIS Live protocol itself over real sockets: ping, rrc list,
// acknowledgements, unsubscribe, socket options, every kind of bad input and
// the limits.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { ScriptedSpeaker } from '../sessions/scripted-speaker.ts'
import { bulk, CRAFTED, establish, labelOf, PEER_B } from './feed.ts'
import { eventually, type LiveCollector, RisClient, StreamClient, startLiveCollector } from './harness.ts'

describe('RIS Live protocol', () => {
  let lc: LiveCollector
  const open: RisClient[] = []

  async function client(path?: string): Promise<RisClient> {
    const c = await RisClient.connect(lc.ws(path))
    open.push(c)
    return c
  }

  beforeAll(async () => {
    lc = await startLiveCollector({ live: { maxSubscriptions: 3, maxConnectionsPerAddress: 100 } })
  })

  afterAll(async () => {
    for (const c of open) c.ws.terminate()
    await lc?.stop()
  })

  it('answers ping with pong, with or without data', async () => {
    const c = await client()
    c.send('ping')
    c.send('ping', null)
    await c.until(() => c.messages.length === 2)
    expect(c.messages).toEqual([
      { type: 'pong', data: null },
      { type: 'pong', data: null },
    ])
  })

  it('lists the collectors it streams', async () => {
    const c = await client('/v1/ws?client=no-trailing-slash')
    c.send('request_rrc_list', null)
    await c.until(() => c.messages.length === 1)
    expect(c.messages).toEqual([{ type: 'ris_rrc_list', data: ['rl-live'] }])
  })

  it('acknowledges subscriptions with the subscription and the socket options', async () => {
    const c = await client()
    c.send('ris_subscribe', {
      prefix: ['192.0.2.0/24', '2001:db8::/32'],
      moreSpecific: false,
      socketOptions: { acknowledge: true, includeRaw: true },
    })
    c.send('ris_subscribe', { path: '789$' })
    await c.until(() => c.messages.length === 2)
    expect(c.messages).toEqual([
      {
        type: 'ris_subscribe_ok',
        data: {
          subscription: { prefix: ['192.0.2.0/24', '2001:db8::/32'], moreSpecific: false },
          socketOptions: { includeRaw: true, acknowledge: true, includeAll: false },
        },
      },
      {
        type: 'ris_subscribe_ok',
        data: {
          subscription: { path: '789$' },
          socketOptions: { includeRaw: true, acknowledge: true, includeAll: false },
        },
      },
    ])
    // A later socketOptions replaces the earlier ones: no acknowledge any more.
    c.send('ris_subscribe', { path: '789$', socketOptions: { includeRaw: true } })
    c.send('ping')
    await c.until(() => c.messages.length === 3)
    expect(c.messages[2]).toEqual({ type: 'pong', data: null })
  })

  const BAD: [string, string, string][] = [
    ['not JSON', '{"type": "ris_subscribe"', 'invalid JSON: '],
    ['not an object', '[1,2]', 'a message must be a JSON object {"type": "…", "data": …}'],
    ['no type', '{"data": {}}', 'a message needs a "type" string'],
    [
      'unknown type',
      '{"type": "ris_subscribe_all"}',
      "unknown message type 'ris_subscribe_all' (expected ris_subscribe, ris_unsubscribe, request_rrc_list, ping)",
    ],
    [
      'bad CIDR',
      '{"type": "ris_subscribe", "data": {"prefix": "192.0.2.0/33"}}',
      "prefix '192.0.2.0/33' is not a CIDR prefix (address/length, e.g. 192.0.2.0/24 or 2001:db8::/32)",
    ],
    [
      'an address is not a CIDR',
      '{"type": "ris_subscribe", "data": {"prefix": ["192.0.2.0/24", "10.0.0.1"]}}',
      "prefix '10.0.0.1' is not a CIDR prefix (address/length, e.g. 192.0.2.0/24 or 2001:db8::/32)",
    ],
    ['empty prefix array', '{"type": "ris_subscribe", "data": {"prefix": []}}', 'prefix is an empty array'],
    [
      'bad path pattern',
      '{"type": "ris_subscribe", "data": {"path": "^123,45x$"}}',
      "path '^123,45x$' is not a valid AS path pattern: '45x' is not an AS number",
    ],
    [
      'a regex is not a path pattern',
      '{"type": "ris_subscribe", "data": {"path": "_3356_"}}',
      "path '_3356_' is not a valid AS path pattern: '_3356_' is not an AS number",
    ],
    [
      'bad peer',
      '{"type": "ris_subscribe", "data": {"peer": "192.0.2.300"}}',
      "peer '192.0.2.300' is not an IPv4 or IPv6 address",
    ],
    [
      'bad type',
      '{"type": "ris_subscribe", "data": {"type": "WITHDRAW"}}',
      "type 'WITHDRAW' is not one of UPDATE, OPEN, NOTIFICATION, KEEPALIVE, RIS_PEER_STATE, ROUTE_REFRESH, UNKNOWN",
    ],
    [
      'moreSpecific not a boolean',
      '{"type": "ris_subscribe", "data": {"prefix": "10.0.0.0/8", "moreSpecific": "yes"}}',
      'moreSpecific must be true or false, not "yes"',
    ],
    [
      'unknown field',
      '{"type": "ris_subscribe", "data": {"prefixes": "10.0.0.0/8"}}',
      "unknown subscription field 'prefixes' (known: host, type, require, peer, path, prefix, moreSpecific, lessSpecific, socketOptions)",
    ],
    [
      'unknown socket option',
      '{"type": "ris_subscribe", "data": {"socketOptions": {"includeBody": true}}}',
      "unknown socket option 'includeBody' (known: includeRaw, acknowledge, includeAll, resumeFrom)",
    ],
    [
      'bad resumeFrom',
      '{"type": "ris_subscribe", "data": {"socketOptions": {"resumeFrom": "yesterday"}}}',
      "resumeFrom 'yesterday' is neither a message id (<peer>-<16 hex digits>), a Unix time in seconds, nor an ISO 8601 time",
    ],
    [
      'subscription not an object',
      '{"type": "ris_subscribe", "data": "all"}',
      'the subscription must be an object (or null for everything)',
    ],
    [
      'unsubscribe of nothing subscribed',
      '{"type": "ris_unsubscribe", "data": {"host": "rrc00"}}',
      'not subscribed to {"host":"rrc00"}',
    ],
  ]

  it.each(BAD)('ris_error for %s', async (_name, text, message) => {
    const c = await client()
    c.sendText(text)
    c.send('ping')
    await c.until(() => c.messages.length === 2)
    const [err, pong] = c.messages
    expect(err!.type).toBe('ris_error')
    const m = (err!.data as { message: string }).message
    if (message.endsWith(': ')) expect(m.startsWith(message)).toBe(true)
    else expect(m).toBe(message)
    // The socket stays usable.
    expect(pong).toEqual({ type: 'pong', data: null })
  })

  it('refuses subscriptions over the limit, counting each prefix of an array', async () => {
    const c = await client()
    c.send('ris_subscribe', { prefix: ['10.0.0.0/8', '11.0.0.0/8'], socketOptions: { acknowledge: true } })
    c.send('ris_subscribe', { prefix: ['12.0.0.0/8', '13.0.0.0/8'] })
    c.send('ris_subscribe', { prefix: '10.0.0.0/8' })
    c.send('ris_subscribe', { peer: '192.0.2.1' })
    c.send('ris_subscribe', { peer: '192.0.2.2' })
    await c.until(() => c.messages.length === 5)
    expect(c.messages.map((m) => m.type)).toEqual([
      'ris_subscribe_ok',
      'ris_error',
      'ris_subscribe_ok', // a repeat adds nothing
      'ris_subscribe_ok',
      'ris_error',
    ])
    expect(c.messages[1]!.data).toEqual({
      message: 'too many subscriptions: this socket has 2, this request adds 2, the limit is 3',
    })
    expect(lc.collector.live!.stats().rejectedSubscriptions).toBeGreaterThanOrEqual(2)
  })

  it('accepts permessage-deflate', async () => {
    const c = await RisClient.connect(lc.ws(), { perMessageDeflate: true })
    open.push(c)
    expect(c.ws.extensions).toContain('permessage-deflate')
  })

  it('does not upgrade other paths', async () => {
    const ws = new WebSocket(lc.ws('/v1/elsewhere/'))
    const err = await new Promise<Error>((resolve) => ws.once('error', resolve))
    expect(err.message).toBe('Unexpected server response: 404')
  })

  it('HTTP stream: 400 with a ris_error for bad input, before streaming', async () => {
    const bad = new StreamClient(lc.http('/v1/stream/?format=json'), undefined, '{"prefix": ')
    await bad.ended
    expect(bad.status).toBe(400)
    expect(bad.lines).toEqual([
      {
        type: 'ris_error',
        data: { message: expect.stringMatching(/^X-RIS-Subscribe is not valid JSON: /) },
      },
    ])
    const cidr = new StreamClient(lc.http('/v1/stream/?format=json'), { prefix: 'nope' })
    await cidr.ended
    expect(cidr.status).toBe(400)
    expect(cidr.lines).toEqual([
      {
        type: 'ris_error',
        data: {
          message: "prefix 'nope' is not a CIDR prefix (address/length, e.g. 192.0.2.0/24 or 2001:db8::/32)",
        },
      },
    ])
    const format = new StreamClient(lc.http('/v1/stream/?format=xml'))
    await format.ended
    expect(format.status).toBe(400)
    expect(format.lines).toEqual([
      { type: 'ris_error', data: { message: "format 'xml' is not supported (format=json)" } },
    ])
  })

  it('HTTP stream: acknowledge is the first line', async () => {
    const s = new StreamClient(lc.http('/v1/stream?format=json'), {
      type: 'UPDATE',
      socketOptions: { acknowledge: true },
    })
    await s.until(() => s.lines.length === 1)
    expect(s.status).toBe(200)
    expect(s.lines).toEqual([
      {
        type: 'ris_subscribe_ok',
        data: {
          subscription: { type: 'UPDATE' },
          socketOptions: { includeRaw: false, acknowledge: true, includeAll: false },
        },
      },
    ])
    s.close()
  })
})

describe('unsubscribe, live', () => {
  let lc: LiveCollector
  let c: RisClient
  let peer: ScriptedSpeaker

  beforeAll(async () => {
    lc = await startLiveCollector()
    c = await RisClient.connect(lc.ws())
    await c.subscribe({ prefix: ['203.0.113.0/24', '10.0.0.0/8'], socketOptions: { acknowledge: true } })
    await c.subscribe({ prefix: '2001:db8::/32' })
    await c.subscribe({ path: '!^1' })
    c.send('ris_unsubscribe', { prefix: '10.0.0.0/8' })
    c.send('ris_unsubscribe', { path: '!^1', socketOptions: { includeRaw: true } })
    c.send('ping')
    await c.until(() => c.of('pong').length === 1)
    peer = await establish(lc.bgpPort, PEER_B)
    for (const m of CRAFTED.filter((x) => x.peer === 'B')) peer.send(m.message)
  })

  afterAll(async () => {
    c?.ws.terminate()
    await peer?.close()
    await lc?.stop()
  })

  it('removes one prefix of an array alone, and a whole subscription by an equal object', async () => {
    await c.until(() => c.data('UPDATE').length === 2)
    await new Promise((r) => setTimeout(r, 200))
    expect(c.data('UPDATE').map(labelOf)).toEqual(['M6', 'M8'])
    expect(c.of('ris_error')).toEqual([])
  })
})

describe('permessage-deflate', () => {
  let lc: LiveCollector
  let peer: ScriptedSpeaker
  const clients: RisClient[] = []

  beforeAll(async () => {
    lc = await startLiveCollector()
  })

  afterAll(async () => {
    for (const c of clients) c.ws.terminate()
    await peer?.close()
    await lc?.stop()
  })

  it('sends long messages compressed to sockets that negotiated it, the same data as to the others', async () => {
    const deflate = await RisClient.connect(lc.ws(), { perMessageDeflate: true })
    const plain = await RisClient.connect(lc.ws(), { perMessageDeflate: false })
    clients.push(deflate, plain)
    expect(deflate.ws.extensions).toBe('permessage-deflate')
    expect(plain.ws.extensions).toBe('')
    for (const c of clients)
      await c.subscribe({ socketOptions: { includeAll: true, includeRaw: true, acknowledge: true } })
    peer = await establish(lc.bgpPort, PEER_B)
    const big = bulk(1, PEER_B.asn, PEER_B.address)[0]!
    peer.send({
      ...big,
      nlri: Array.from({ length: 200 }, (_, i) => ({ prefix: `10.${i}.0.0/16` })) as never,
    })
    for (const c of clients) await c.until(() => c.data('UPDATE').length === 1)
    const [d] = deflate.data('UPDATE')
    expect(JSON.stringify(d).length).toBeGreaterThan(4096)
    expect(deflate.data()).toEqual(plain.data())
    expect((d!.announcements as { prefixes: string[] }[])[0]!.prefixes.length).toBe(200)
  })
})

describe('connection limit', () => {
  let lc: LiveCollector
  const clients: RisClient[] = []

  beforeAll(async () => {
    lc = await startLiveCollector({ live: { maxConnectionsPerAddress: 2 } })
  })

  afterAll(async () => {
    for (const c of clients) c.ws.terminate()
    await lc?.stop()
  })

  it('refuses a connection over the per-address limit with ris_error and close 4002', async () => {
    clients.push(await RisClient.connect(lc.ws()), await RisClient.connect(lc.ws()))
    const third = await RisClient.connect(lc.ws())
    clients.push(third)
    const closed = await third.closed
    expect(closed).toEqual({ code: 4002, reason: 'too many connections from this address' })
    expect(third.messages).toEqual([
      {
        type: 'ris_error',
        data: { message: 'too many connections from 127.0.0.1: 2 open, the limit is 2' },
      },
    ])
    const stream = new StreamClient(lc.http('/v1/stream/?format=json'))
    await stream.ended
    expect(stream.status).toBe(429)
    expect(stream.lines).toEqual([
      {
        type: 'ris_error',
        data: { message: 'too many connections from 127.0.0.1: 2 open, the limit is 2' },
      },
    ])
    // A slot frees when a client leaves.
    await clients[0]!.close()
    await eventually(() => lc.collector.live!.stats().clients.websocket === 1, 5000, 'the close')
    const again = await RisClient.connect(lc.ws())
    clients.push(again)
    again.send('ping')
    await again.until(() => again.messages.length === 1)
    expect(again.messages).toEqual([{ type: 'pong', data: null }])
    expect(lc.collector.live!.stats().rejectedConnections).toBe(2)
  })
})

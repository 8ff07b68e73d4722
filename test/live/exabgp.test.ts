// The ExaBGP-compatible output against ExaBGP itself: the installed ExaBGP
// 4.2 and Routelake receive the same BGP messages from the same scripted
// speakers, each feeding the same `process` program (a Python consumer that
// parses every line as JSON, as ExaBGP scripts do), and the two outputs must
// be the same objects, line for line, apart from time, host and pids. Then the
// consumer dies, and Routelake restarts it.

import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BgpMessage,
  DEFAULT_CONTEXT,
  familyKey,
  type IpPrefixNlri,
  type LabeledNlri,
  type OpenMessage,
  type VpnNlri,
} from '../../collector/src/bgp/index.ts'
import { freePort, requireDaemon } from '../sessions/daemons.ts'
import { mp, ScriptedSpeaker } from '../sessions/scripted-speaker.ts'
import {
  eventually,
  type LiveCollector,
  routelake,
  startLiveCollector,
  stopChild,
  tempDir,
} from './harness.ts'

/** The consumer: one JSON object per line in, the same out (it fails on anything else). */
const CONSUMER = `import json, os, sys
out, die = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None
if die and not os.path.exists(die):
    open(die, 'w').close()
    line = sys.stdin.readline()
    with open(out, 'a') as f:
        f.write(json.dumps(json.loads(line)) + '\\n')
    sys.exit(3)
with open(out, 'a') as f:
    for line in sys.stdin:
        f.write(json.dumps(json.loads(line)) + '\\n')
        f.flush()
`

const AS4_CONTEXT = DEFAULT_CONTEXT
const TWO_OCTET_ADD_PATH = {
  asn4: false,
  addPath: { has: (k: number) => k === familyKey(1, 1) },
  extendedMessage: false,
}

const S1 = { address: '127.0.0.1', asn: 65001 }
const S2 = { address: '127.0.0.3', asn: 65003 }

function open1(): OpenMessage {
  return {
    type: 'OPEN',
    version: 4,
    asn: S1.asn,
    holdTime: 90,
    bgpId: '192.0.2.1',
    parameters: [
      {
        type: 2,
        capabilities: [
          mp(1, 1, 'ipv4-unicast'),
          mp(2, 1, 'ipv6-unicast'),
          { code: 2, name: 'ROUTE_REFRESH', value: true },
          { code: 65, name: 'FOUR_OCTET_AS', value: { asn: S1.asn } },
          { code: 73, name: 'FQDN', value: { hostname: 'speaker', domain: 'example.net' } },
        ],
      },
    ],
  }
}

function open2(): OpenMessage {
  return {
    type: 'OPEN',
    version: 4,
    asn: S2.asn,
    holdTime: 90,
    bgpId: '192.0.2.3',
    parameters: [
      {
        type: 2,
        capabilities: [
          mp(1, 1, 'ipv4-unicast'),
          mp(1, 4, 'ipv4-labeled'),
          mp(1, 128, 'ipv4-vpn'),
          {
            code: 69,
            name: 'ADD_PATH',
            value: [{ afi: 1, safi: 1, family: 'ipv4-unicast', sendReceive: 'send' }],
          },
        ],
      },
    ],
  }
}

const MESSAGES1: BgpMessage[] = [
  {
    type: 'UPDATE',
    withdrawn: [],
    nlri: [{ prefix: '10.0.0.0/8' }, { prefix: '10.1.0.0/16' }] as IpPrefixNlri[],
    attributes: [
      { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
      {
        code: 2,
        flags: 0x40,
        name: 'AS_PATH',
        value: [
          { type: 'AS_SEQUENCE', asns: [65001, 174, 3356] },
          { type: 'AS_SET', asns: [64512, 64513] },
        ],
      },
      { code: 3, flags: 0x40, name: 'NEXT_HOP', value: '192.0.2.1' },
      { code: 4, flags: 0x80, name: 'MULTI_EXIT_DISC', value: 50 },
      { code: 5, flags: 0x40, name: 'LOCAL_PREF', value: 200 },
      { code: 6, flags: 0x40, name: 'ATOMIC_AGGREGATE', value: true },
      { code: 7, flags: 0xc0, name: 'AGGREGATOR', value: { asn: 3356, address: '192.0.2.7' } },
      { code: 8, flags: 0xc0, name: 'COMMUNITIES', value: ['65001:100', 'NO_EXPORT'] },
      { code: 9, flags: 0x80, name: 'ORIGINATOR_ID', value: '192.0.2.8' },
      { code: 10, flags: 0x80, name: 'CLUSTER_LIST', value: ['192.0.2.9', '192.0.2.10'] },
      {
        code: 16,
        flags: 0xc0,
        name: 'EXTENDED_COMMUNITIES',
        value: [{ type: 0, subtype: 2, name: 'route-target', value: '65001:7' } as never],
      },
      { code: 32, flags: 0xc0, name: 'LARGE_COMMUNITY', value: ['65001:1:2'] },
      { code: 99, flags: 0xc0, name: 'UNKNOWN', value: '01020304' },
    ],
  },
  { type: 'UPDATE', withdrawn: [{ prefix: '10.2.0.0/16' }] as IpPrefixNlri[], nlri: [], attributes: [] },
  {
    type: 'UPDATE',
    withdrawn: [],
    nlri: [],
    attributes: [
      {
        code: 14,
        flags: 0x90,
        name: 'MP_REACH_NLRI',
        value: {
          afi: 2,
          safi: 1,
          family: 'ipv6-unicast',
          nextHop: ['2001:db8::1', 'fe80::1'],
          nlri: [{ prefix: '2001:db8:1::/48' }, { prefix: '2001:db8:2::/48' }] as IpPrefixNlri[],
        },
      },
      { code: 1, flags: 0x40, name: 'ORIGIN', value: 'incomplete' },
      { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns: [65001, 4200000000] }] },
    ],
  },
  {
    type: 'UPDATE',
    withdrawn: [],
    nlri: [],
    attributes: [
      {
        code: 15,
        flags: 0x90,
        name: 'MP_UNREACH_NLRI',
        value: {
          afi: 2,
          safi: 1,
          family: 'ipv6-unicast',
          nlri: [{ prefix: '2001:db8:3::/48' }] as IpPrefixNlri[],
        },
      },
    ],
  },
  { type: 'UPDATE', withdrawn: [], nlri: [], attributes: [] },
  {
    type: 'UPDATE',
    withdrawn: [],
    nlri: [],
    attributes: [
      {
        code: 15,
        flags: 0x80,
        name: 'MP_UNREACH_NLRI',
        value: { afi: 2, safi: 1, family: 'ipv6-unicast', nlri: [] },
      },
    ],
  },
]

const MESSAGES2: BgpMessage[] = [
  {
    type: 'UPDATE',
    withdrawn: [],
    nlri: [
      { prefix: '10.0.0.0/8', pathId: 1 },
      { prefix: '10.0.0.0/8', pathId: 2 },
    ] as IpPrefixNlri[],
    attributes: [
      { code: 1, flags: 0x40, name: 'ORIGIN', value: 'egp' },
      { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns: [65003, 23456, 174] }] },
      { code: 3, flags: 0x40, name: 'NEXT_HOP', value: '192.0.2.3' },
      { code: 7, flags: 0xc0, name: 'AGGREGATOR', value: { asn: 23456, address: '192.0.2.7' } },
      { code: 17, flags: 0xc0, name: 'AS4_PATH', value: [{ type: 'AS_SEQUENCE', asns: [4200000001, 174] }] },
    ],
  },
  {
    type: 'UPDATE',
    withdrawn: [],
    nlri: [],
    attributes: [
      {
        code: 14,
        flags: 0x90,
        name: 'MP_REACH_NLRI',
        value: {
          afi: 1,
          safi: 4,
          family: 'ipv4-labeled',
          nextHop: ['192.0.2.3'],
          nlri: [{ labels: [100], prefix: '10.10.0.0/16' }] as LabeledNlri[],
        },
      },
      { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
      { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns: [65003] }] },
    ],
  },
  {
    type: 'UPDATE',
    withdrawn: [],
    nlri: [],
    attributes: [
      {
        code: 14,
        flags: 0x90,
        name: 'MP_REACH_NLRI',
        value: {
          afi: 1,
          safi: 128,
          family: 'ipv4-vpn',
          nextHop: ['192.0.2.3'],
          nlri: [{ labels: [200], rd: '65000:1', prefix: '10.20.0.0/16' }] as VpnNlri[],
        },
      },
      { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
      { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns: [65003] }] },
      {
        code: 16,
        flags: 0xc0,
        name: 'EXTENDED_COMMUNITIES',
        value: [{ type: 0, subtype: 2, name: 'route-target', value: '65000:1' } as never],
      },
    ],
  },
  {
    type: 'UPDATE',
    withdrawn: [{ prefix: '10.0.0.0/8', pathId: 2 }] as IpPrefixNlri[],
    nlri: [],
    attributes: [],
  },
  {
    type: 'UPDATE',
    withdrawn: [],
    nlri: [],
    attributes: [
      {
        code: 15,
        flags: 0x80,
        name: 'MP_UNREACH_NLRI',
        value: {
          afi: 1,
          safi: 128,
          family: 'ipv4-vpn',
          nlri: [{ labels: [524288], labelFlags: [0], rd: '65000:1', prefix: '10.20.0.0/16' }] as VpnNlri[],
        },
      },
    ],
  },
]

const EXABGP_CONFIG = (dir: string) => `
process record {
  run /usr/bin/python3 ${dir}/consumer.py ${dir}/exabgp.jsonl;
  encoder json;
}
template {
  neighbor receiver {
    router-id 192.0.2.2;
    local-address 127.0.0.2;
    local-as 65000;
    passive;
    api {
      processes [ record ];
      receive { parsed; update; open; notification; }
      neighbor-changes;
    }
  }
}
neighbor 127.0.0.1 {
  inherit receiver;
  peer-as 65001;
  family { ipv4 unicast; ipv6 unicast; }
}
neighbor 127.0.0.3 {
  inherit receiver;
  peer-as 65003;
  family { ipv4 unicast; ipv4 nlri-mpls; ipv4 mpls-vpn; }
  capability { add-path receive; asn4 disable; }
}
`

async function speak(
  port: number,
  local: { address: string },
  open: OpenMessage,
  ctx: typeof AS4_CONTEXT,
  messages: BgpMessage[],
): Promise<void> {
  const s = await ScriptedSpeaker.connect(port, local.address, '127.0.0.2')
  s.send(open, DEFAULT_CONTEXT)
  await s.next('OPEN')
  s.send({ type: 'KEEPALIVE' })
  await s.next('KEEPALIVE')
  s.ctx = ctx
  for (const m of messages) s.send(m)
  await new Promise((r) => setTimeout(r, 500))
  s.send({ type: 'NOTIFICATION', code: 6, subcode: 3, data: '' })
  await s.whenClosed
}

function lines(file: string): Record<string, unknown>[] {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
}

/** What must agree: everything but the time, the host, the pids and ExaBGP's wording of a down reason. */
function comparable(o: Record<string, unknown>): Record<string, unknown> {
  const { time: _t, host: _h, pid: _p, ppid: _pp, ...rest } = o
  const n = rest.neighbor as Record<string, unknown>
  if (n.state === 'down')
    return { ...rest, neighbor: { ...n, reason: typeof n.reason === 'string' && n.reason !== '' } }
  return rest
}

const exabgpOk = requireDaemon('exabgp')

describe.runIf(exabgpOk)('ExaBGP-compatible output, side by side with ExaBGP 4.2', () => {
  const dir = tempDir('exabgp-live')
  let lc: LiveCollector
  let exabgp: ReturnType<typeof spawn> | undefined
  let exabgpOut = ''

  beforeAll(async () => {
    writeFileSync(join(dir.path, 'consumer.py'), CONSUMER)
    writeFileSync(join(dir.path, 'exabgp.conf'), EXABGP_CONFIG(dir.path))
    const port = await freePort('127.0.0.2')
    exabgp = spawn('/usr/sbin/exabgp', [join(dir.path, 'exabgp.conf')], {
      cwd: dir.path,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        'exabgp.daemon.user': userInfo().username,
        'exabgp.daemon.daemonize': 'false',
        'exabgp.log.destination': 'stdout',
        'exabgp.api.cli': 'false',
        'exabgp.tcp.bind': '127.0.0.2',
        'exabgp.tcp.port': String(port),
        'exabgp.daemon.pid': join(dir.path, 'exabgp.pid'),
      },
    })
    exabgp.stdout!.on('data', (d) => {
      exabgpOut += d
    })
    exabgp.stderr!.on('data', (d) => {
      exabgpOut += d
    })
    await eventually(() => exabgpOut.includes('loaded new configuration successfully'), 20_000, 'ExaBGP')
    lc = await startLiveCollector({
      bgpHost: '127.0.0.2',
      exabgp: {
        to: 'process',
        command: ['/usr/bin/python3', join(dir.path, 'consumer.py'), join(dir.path, 'routelake.jsonl')],
      },
    })
    for (const target of [port, lc.bgpPort]) {
      await speak(target, S1, open1(), AS4_CONTEXT, MESSAGES1)
      await speak(target, S2, open2(), TWO_OCTET_ADD_PATH, MESSAGES2)
    }
    await eventually(
      () => lines(join(dir.path, 'exabgp.jsonl')).length >= 20,
      20_000,
      `ExaBGP's lines\n${exabgpOut.slice(-3000)}`,
    )
    const want = lines(join(dir.path, 'exabgp.jsonl')).length
    await eventually(
      () => lines(join(dir.path, 'routelake.jsonl')).length >= want,
      20_000,
      "Routelake's lines",
    )
    await new Promise((r) => setTimeout(r, 300))
  }, 90_000)

  afterAll(async () => {
    await lc?.stop()
    if (exabgp?.pid) {
      const exited = new Promise((r) => exabgp!.once('exit', r))
      process.kill(-exabgp.pid, 'SIGTERM')
      await exited
    }
    dir.remove()
  })

  it('writes what ExaBGP writes, line for line', () => {
    const theirs = lines(join(dir.path, 'exabgp.jsonl')).map(comparable)
    const ours = lines(join(dir.path, 'routelake.jsonl')).map(comparable)
    expect(theirs.length).toBe(21)
    expect(ours).toEqual(theirs)
  })

  it('stamps each line with the ExaBGP API version, this host and process', () => {
    const ours = lines(join(dir.path, 'routelake.jsonl'))
    for (const l of ours) {
      expect(l.exabgp).toBe('4.0.1')
      expect(l.pid).toBe(process.pid)
      expect(typeof l.time).toBe('number')
    }
    expect(lc.collector.exabgp!.stats()).toMatchObject({ lines: ours.length, dropped: 0, restarts: 0 })
  })
})

describe('ExaBGP-compatible output: the process is restarted when it dies', () => {
  const dir = tempDir('exabgp-restart')
  let lc: LiveCollector

  beforeAll(async () => {
    writeFileSync(join(dir.path, 'consumer.py'), CONSUMER)
    lc = await startLiveCollector({
      exabgp: {
        to: 'process',
        command: [
          '/usr/bin/python3',
          join(dir.path, 'consumer.py'),
          join(dir.path, 'out.jsonl'),
          join(dir.path, 'died-once'),
        ],
      },
    })
  })

  afterAll(async () => {
    await lc?.stop()
    dir.remove()
  })

  it('restarts the program and goes on writing to the new one', async () => {
    const first = await ScriptedSpeaker.connect(lc.bgpPort, '127.0.0.31')
    first.send(open1())
    await first.next('OPEN')
    first.send({ type: 'KEEPALIVE' })
    await eventually(() => existsSync(join(dir.path, 'died-once')), 10_000, 'the first run to end')
    await eventually(() => lc.collector.exabgp!.stats().restarts === 1, 10_000, 'the restart')
    await new Promise((r) => setTimeout(r, 500))
    first.send(MESSAGES1[0]!)
    await eventually(
      () => lines(join(dir.path, 'out.jsonl')).some((l) => l.type === 'update'),
      10_000,
      'an update after the restart',
    )
    const out = lines(join(dir.path, 'out.jsonl'))
    // The first run took one line and died; the restarted one got the update.
    expect(out[0]).toMatchObject({ type: 'state', neighbor: { state: 'connected' } })
    expect(out[out.length - 1]).toMatchObject({
      type: 'update',
      neighbor: {
        address: { peer: '127.0.0.31' },
        message: { update: { announce: { 'ipv4 unicast': {} } } },
      },
    })
    expect(lc.logs.some((l) => l.includes('exabgp process exited') && l.includes('code=3'))).toBe(true)
    await first.close()
  })
})

describe('routelake serve --exabgp-json', () => {
  it('writes the lines on stdout, and nothing else there', async () => {
    const port = await freePort('127.0.0.1')
    const serve = routelake([
      'serve',
      '--exabgp-json',
      '--bgp-listen',
      `127.0.0.1:${port}`,
      '--http-listen',
      'off',
      '--storage',
      'off',
      '--mrt-dump',
      'off',
      '--asn',
      '65000',
      '--router-id',
      '192.0.2.254',
      '--host',
      'rl-exabgp',
      '--accept',
      '127.0.0.0/8',
    ])
    let stdout = ''
    serve.stdout!.on('data', (d) => {
      stdout += d
    })
    try {
      await eventually(() => serve.output().includes('ready'), 30_000, `serve to start:\n${serve.output()}`)
      const s = await ScriptedSpeaker.connect(port, '127.0.0.41')
      s.send(open1())
      await s.next('OPEN')
      s.send({ type: 'KEEPALIVE' })
      s.send(MESSAGES1[0]!)
      await eventually(() => stdout.includes('"type": "update"'), 10_000, 'the update line')
      await s.close()
      await eventually(() => stdout.includes('"state": "down"'), 10_000, 'the down line')
    } finally {
      await stopChild(serve)
    }
    const out = stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; neighbor: { state?: string; address: { peer: string } } })
    expect(out.map((l) => (l.type === 'state' ? `state ${l.neighbor.state}` : l.type))).toEqual([
      'state connected',
      'open',
      'state up',
      'update',
      'state down',
    ])
    expect(out.every((l) => l.neighbor.address.peer === '127.0.0.41')).toBe(true)
  })
})

// `routelake serve` as a user runs it: the quick-run flags, GET /api/v1/peers,
// a peer connecting, and SIGTERM ending the session cleanly.

import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { PeersResponse } from '../../collector/src/api/index.ts'
import { repoRoot } from '../../collector/test-support/testdata.ts'
import { mp, open, ScriptedSpeaker } from './scripted-speaker.ts'

const children: ChildProcess[] = []
const dirs: string[] = []
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function serve(args: string[]): {
  child: ChildProcess
  lines: string[]
  ready: Promise<{ bgp: number; http: number }>
  exited: Promise<number | null>
} {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/routelake.js'), 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  const lines: string[] = []
  let buffered = ''
  const ready = new Promise<{ bgp: number; http: number }>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      buffered += d.toString()
      const parts = buffered.split('\n')
      buffered = parts.pop()!
      for (const l of parts) {
        lines.push(l)
        const m = / ready bgp=[^ ]*:(\d+) http=[^ ]*:(\d+)/.exec(l)
        if (m) resolve({ bgp: Number(m[1]), http: Number(m[2]) })
      }
    })
    child.once('exit', (code) =>
      reject(new Error(`serve exited with ${code}:\n${lines.join('\n')}${buffered}`)),
    )
  })
  // Only the tests that wait for readiness care why it never came.
  ready.catch(() => {})
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, lines, ready, exited }
}

async function peers(http: number): Promise<PeersResponse> {
  const r = await fetch(`http://127.0.0.1:${http}/api/v1/peers`)
  expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8')
  return (await r.json()) as PeersResponse
}

describe('routelake serve', () => {
  it('runs from the quick-run flags, lists peers, and shuts down cleanly on SIGTERM', async () => {
    const data = mkdtempSync(join(tmpdir(), 'routelake-serve-'))
    dirs.push(data)
    const s = serve([
      '--bgp-listen',
      '127.0.0.1:0',
      '--http-listen',
      '127.0.0.1:0',
      '--asn',
      '65000',
      '--router-id',
      '192.0.2.1',
      '--host',
      'rl00',
      '--accept',
      '127.0.0.0/8',
      '--data-dir',
      data,
    ])
    const { bgp, http } = await s.ready
    expect(await peers(http)).toEqual({ peers: [] })

    const speaker = await ScriptedSpeaker.connect(bgp, '127.0.0.5')
    speaker.send(open(64510, '10.0.0.5', [mp(1, 1, 'ipv4-unicast')]))
    const ours = await speaker.next('OPEN')
    expect(ours).toMatchObject({ type: 'OPEN', asn: 65000, bgpId: '192.0.2.1', holdTime: 90 })
    await speaker.next('KEEPALIVE')
    speaker.send({ type: 'KEEPALIVE' })
    speaker.send({
      type: 'UPDATE',
      withdrawn: [],
      attributes: [
        { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
        { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns: [64510] }] },
        { code: 3, flags: 0x40, name: 'NEXT_HOP', value: '192.0.2.5' },
      ],
      nlri: [{ prefix: '203.0.113.0/24' }, { prefix: '198.51.100.0/24' }],
    })
    let list: PeersResponse = { peers: [] }
    for (let i = 0; i < 100; i++) {
      list = await peers(http)
      if (list.peers[0]?.families['ipv4-unicast']?.paths === 2) break
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(
      list.peers.map((p) => ({ address: p.address, asn: p.asn, state: p.state, families: p.families })),
    ).toEqual([
      {
        address: '127.0.0.5',
        asn: 64510,
        state: 'established',
        families: { 'ipv4-unicast': { paths: 2, prefixes: 2, stale: 0 } },
      },
    ])
    expect(list.peers[0]).toMatchObject({
      configuredAsn: 'any',
      localAsn: 65000,
      matchedPrefix: '127.0.0.0/8',
      routerId: '10.0.0.5',
      holdTime: 90,
      keepaliveTime: 30,
      capabilities: {
        received: [
          { code: 1, name: 'MULTIPROTOCOL' },
          { code: 65, name: 'FOUR_OCTET_AS' },
        ],
      },
      counters: { messagesReceived: { OPEN: 1, KEEPALIVE: 1, UPDATE: 1 }, announced: 2, withdrawn: 0 },
    })

    s.child.kill('SIGTERM')
    expect(await speaker.next('NOTIFICATION')).toMatchObject({
      code: 6,
      subcode: 2,
      shutdownMessage: 'Routelake rl00 shutting down',
    })
    expect(await s.exited).toBe(0)
    const log = s.lines.join('\n')
    for (const line of [
      / info {2}starting version="Routelake 0\.1\.0" host=rl00 asn=65000 routerId=192\.0\.2\.1 peers=1$/m,
      / info {2}listening bgp=127\.0\.0\.1:\d+$/m,
      / info {2}session peer=127\.0\.0\.5 from=OpenConfirm to=Established asn=64510$/m,
      / info {2}shutting down signal=SIGTERM$/m,
      / info {2}notification sent peer=127\.0\.0\.5 notification="CEASE\/ADMINISTRATIVE_SHUTDOWN \\"Routelake rl00 shutting down\\"" data=\w+$/m,
    ]) {
      expect(log).toMatch(line)
    }
  })

  it('says clearly why it cannot listen', async () => {
    // Storage and MRT files off: these collectors only need to bind (and must not write a
    // data directory into the working directory).
    const quiet = [
      '--http-listen',
      'off',
      '--router-id',
      '192.0.2.1',
      '--storage',
      'off',
      '--mrt-dump',
      'off',
    ]
    const first = serve(['--bgp-listen', '127.0.0.1:0', ...quiet])
    const busy = new Promise<number>((resolve) => {
      first.child.stderr!.on('data', (d: Buffer) => {
        const m = / ready bgp=127\.0\.0\.1:(\d+)/.exec(d.toString())
        if (m) resolve(Number(m[1]))
      })
    })
    const port = await busy
    const second = serve(['--bgp-listen', `127.0.0.1:${port}`, ...quiet])
    expect(await second.exited).toBe(1)
    expect(second.lines.join('\n')).toContain(
      `cannot listen for BGP on 127.0.0.1:${port}: the address is already in use (another BGP daemon?)`,
    )
    const bad = serve(['--asn', 'x'])
    expect(await bad.exited).toBe(2)
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)
  })
})

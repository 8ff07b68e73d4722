import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { familyByName } from '../bgp/index.ts'
import {
  allFamilies,
  type CollectorConfig,
  ConfigError,
  loadConfig,
  parseListen,
  settingsFromEnv,
} from './config.ts'

const dir = mkdtempSync(join(tmpdir(), 'routelake-config-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, text: string): string {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

const fam = (...names: string[]) => names.map((n) => familyByName(n)!)

/** The settings of this module's part (sessions, listeners, logging); sinks' settings are tested with them. */
function sessionPart(c: CollectorConfig) {
  const {
    host,
    asn,
    routerId,
    bgpListen,
    httpListen,
    dataDir,
    peers,
    logLevel,
    logFormat,
    configFile,
    openToAll,
  } = c
  return {
    host,
    asn,
    routerId,
    bgpListen,
    httpListen,
    dataDir,
    peers,
    logLevel,
    logFormat,
    ...(configFile !== undefined ? { configFile } : {}),
    ...(openToAll ? { openToAll } : {}),
  }
}

describe('config', () => {
  it('reads peers and settings from YAML, overridden by the environment, overridden by flags', () => {
    const path = file(
      'a.yaml',
      `host: rl01
asn: 64999
router-id: 192.0.2.9
bgp-listen: [127.0.0.1:1179, "[::1]:1179"]
http-listen: 127.0.0.1:9090
data-dir: /var/lib/routelake
log-level: debug
peers:
  - address: 192.0.2.10
    asn: 64500
    description: transit A
    families: [ipv4-unicast, ipv6-unicast]
    add-path: false
    hold-time: 30
    max-prefixes: 1500000
  - prefix: 10.1.2.3/8
    asn: any
    max-prefixes: {ipv4-unicast: 1000, total: 2000}
    graceful-restart: false
  - address: "2001:DB8::0:1"
    asn: 4200000000
`,
    )
    const env = settingsFromEnv({
      ROUTELAKE_CONFIG: path,
      ROUTELAKE_ASN: '65001',
      ROUTELAKE_HOST: 'from-env',
    })
    const c = loadConfig({ host: 'from-flag', accept: ['127.0.0.0/8', '::1/128'] }, env)
    expect(sessionPart(c)).toEqual({
      host: 'from-flag',
      asn: 65001,
      routerId: '192.0.2.9',
      bgpListen: [
        { host: '127.0.0.1', port: 1179 },
        { host: '::1', port: 1179 },
      ],
      httpListen: { host: '127.0.0.1', port: 9090 },
      dataDir: '/var/lib/routelake',
      logLevel: 'debug',
      logFormat: 'text',
      configFile: path,
      peers: [
        {
          address: '192.0.2.10',
          asn: 64500,
          description: 'transit A',
          families: fam('ipv4-unicast', 'ipv6-unicast'),
          addPath: false,
          holdTime: 30,
          maxPrefixes: { total: 1_500_000, perFamily: new Map() },
          gracefulRestart: true,
        },
        {
          prefix: '10.0.0.0/8',
          asn: 'any',
          families: allFamilies(),
          addPath: true,
          holdTime: 90,
          maxPrefixes: { total: 2000, perFamily: new Map(fam('ipv4-unicast').map((f) => [f, 1000])) },
          gracefulRestart: false,
        },
        {
          address: '2001:db8::1',
          asn: 4_200_000_000,
          families: allFamilies(),
          addPath: true,
          holdTime: 90,
          gracefulRestart: true,
        },
        {
          prefix: '127.0.0.0/8',
          asn: 'any',
          families: allFamilies(),
          addPath: true,
          holdTime: 90,
          gracefulRestart: true,
        },
        {
          prefix: '::1/128',
          asn: 'any',
          families: allFamilies(),
          addPath: true,
          holdTime: 90,
          gracefulRestart: true,
        },
      ],
    })
  })

  it('takes the quick-run flags alone, and accepts everyone when nobody is configured', () => {
    const c = loadConfig({
      'bgp-listen': '127.0.0.1:1179,[::1]:1179',
      'http-listen': 'off',
      asn: '65000',
      'router-id': '192.0.2.1',
      host: 'rl00',
      'data-dir': './d',
    })
    expect(sessionPart(c)).toEqual({
      host: 'rl00',
      asn: 65000,
      routerId: '192.0.2.1',
      bgpListen: [
        { host: '127.0.0.1', port: 1179 },
        { host: '::1', port: 1179 },
      ],
      httpListen: undefined,
      dataDir: './d',
      logLevel: 'info',
      logFormat: 'text',
      openToAll: true,
      peers: [
        {
          prefix: '0.0.0.0/0',
          asn: 'any',
          families: allFamilies(),
          addPath: true,
          holdTime: 90,
          gracefulRestart: true,
        },
        {
          prefix: '::/0',
          asn: 'any',
          families: allFamilies(),
          addPath: true,
          holdTime: 90,
          gracefulRestart: true,
        },
      ],
    })
    const d = loadConfig({ 'router-id': '192.0.2.1' })
    expect([d.bgpListen, d.httpListen]).toEqual([
      [
        { host: '0.0.0.0', port: 179 },
        { host: '::', port: 179 },
      ],
      { host: '127.0.0.1', port: 8080 },
    ])
  })

  it('parses listen addresses in every accepted form', () => {
    expect(
      ['192.0.2.1:80', '[2001:db8::1]:80', '192.0.2.1', '::1', '[::]', ':1179'].map((t) =>
        parseListen(t, 179, 'x'),
      ),
    ).toEqual([
      { host: '192.0.2.1', port: 80 },
      { host: '2001:db8::1', port: 80 },
      { host: '192.0.2.1', port: 179 },
      { host: '::1', port: 179 },
      { host: '::', port: 179 },
      { host: '0.0.0.0', port: 1179 },
    ])
  })

  it('names the key and the value of every mistake', () => {
    const bad =
      (yaml: string, flags = {}) =>
      () =>
        loadConfig({ config: file('bad.yaml', yaml), ...flags })
    const cases: [() => unknown, string][] = [
      [bad('peers:\n  - address: 192.0.2.1\n'), "peers[0]: 'asn' is required (a number, or any)"],
      [
        bad('peers:\n  - address: 192.0.2.1\n    asn: x\n'),
        "peers[0].asn: 'x' is not an AS number (1..4294967295)",
      ],
      [
        bad('peers:\n  - prefix: 10.0.0.0/33\n    asn: 1\n'),
        "peers[0].prefix: '10.0.0.0/33' is not a prefix",
      ],
      [
        bad('peers:\n  - address: 192.0.2.1\n    prefix: 10.0.0.0/8\n    asn: 1\n'),
        "peers[0]: give exactly one of 'address' and 'prefix'",
      ],
      [
        bad('peers:\n  - address: 192.0.2.1\n    asn: 1\n    colour: red\n'),
        "peers[0]: unknown key 'colour'",
      ],
      [
        bad('peers:\n  - address: 192.0.2.1\n    asn: 1\n    hold-time: 2\n'),
        "peers[0].hold-time: '2' is not a hold time (0, or 3..65535 seconds)",
      ],
      [
        bad('peers:\n  - address: 192.0.2.1\n    asn: 1\n    families: [ipv5-unicast]\n'),
        "peers[0].families: unknown family 'ipv5-unicast'",
      ],
      [
        bad('peers:\n  - address: 192.0.2.1\n    asn: 1\n  - address: 192.0.2.1\n    asn: 2\n'),
        'peer 192.0.2.1 is configured twice',
      ],
      [bad('colour: red\n'), "unknown key 'colour'"],
      [bad('', { 'router-id': '0.0.0.0' }), "router-id: '0.0.0.0' is not a non-zero IPv4 address"],
      [bad('', { 'bgp-listen': 'somewhere' }), "bgp-listen: 'somewhere' is not an address[:port]"],
      [bad('', { 'http-listen': '127.0.0.1:99999' }), "http-listen: port '99999' is not 0..65535"],
      [bad('', { 'log-level': 'loud' }), "log-level: 'loud' is not one of debug, info, warn, error"],
    ]
    for (const [fn, message] of cases) {
      expect(fn).toThrow(ConfigError)
      expect(fn).toThrow(message)
    }
    expect(() => loadConfig({ config: join(dir, 'missing.yaml') })).toThrow(/cannot read config file/)
  })
})

// POST /api/v1/sql: read-only SQL on the stored tables, answered in
// ClickHouse's JSON shape or as CSV, and the sandbox attacked. Every attack
// must be refused with a 4xx and leave the tables as they were; the guard is
// also checked on its own, and ClickHouse's read-only settings are shown to
// hold when a write reaches it with them (the second fence).

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiContext } from '../../collector/src/api/deps.ts'
import { storageError } from '../../collector/src/api/errors.ts'
import { ErrorSchema, SqlResponseSchema } from '../../collector/src/api/schemas.ts'
import { sqlSettings } from '../../collector/src/api/sql.ts'
import { guardSql, SqlRefused } from '../../collector/src/api/sql-guard.ts'
import { TABLES } from '../../collector/src/storage/columns.ts'
import { requireTestdata } from '../../collector/test-support/testdata.ts'
import { replayedLines } from './expected.ts'
import { type ApiFixture, apiWith, startApiFixture } from './fixture.ts'

const testdata = requireTestdata('api sql')
const GUARD = { database: 'routelake', tables: Object.keys(TABLES) }
const T = Object.keys(TABLES).join(', ')
let f: ApiFixture

beforeAll(async () => {
  if (!testdata) return
  f = await startApiFixture(testdata)
}, 240_000)
afterAll(async () => {
  await f?.stop()
})

function post(query: string, headers: Record<string, string> = {}, app = f.collector.api) {
  return app.request('/api/v1/sql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  })
}

/** Row counts of every table: what an attack must leave unchanged. */
async function counts(): Promise<Record<string, string>> {
  const rows = await f.collector.storage!.query<{ t: string; n: string }>(
    `SELECT 'messages' AS t, toString(count()) AS n FROM messages UNION ALL SELECT 'updates', toString(count()) FROM updates
     UNION ALL SELECT 'peer_events', toString(count()) FROM peer_events`,
  )
  return Object.fromEntries(rows.map((r) => [r.t, r.n]))
}

describe('the SQL guard on its own', () => {
  const ok = (sql: string) => guardSql(sql, GUARD).sql
  const why = (sql: string) => {
    try {
      guardSql(sql, GUARD)
    } catch (e) {
      if (e instanceof SqlRefused) return e.message
      throw e
    }
    return 'accepted'
  }

  it('accepts reads of our tables, strips comments and a trailing semicolon', () => {
    expect(ok('SELECT count() FROM updates -- how many\n;')).toBe('SELECT count() FROM updates')
    expect(ok("/* a */ SELECT family FROM routelake.updates WHERE family = 'x;y' /* b */")).toBe(
      "SELECT family FROM routelake.updates WHERE family = 'x;y'",
    )
    for (const sql of [
      'WITH recent AS (SELECT * FROM updates WHERE time > now() - INTERVAL 1 DAY) SELECT count() FROM recent',
      'SELECT u.prefix, m.type FROM updates AS u INNER JOIN messages AS m ON u.sequence = m.sequence LIMIT 1',
      'SELECT a.x FROM updates a, messages b LIMIT 1',
      "SELECT prefix FROM updates ARRAY JOIN communities AS c WHERE c = '65000:1'",
      "SELECT extract(YEAR FROM time), substring(nlri_key FROM 1 FOR 2), trim(BOTH ' ' FROM rd) FROM updates",
      'SELECT count() FROM updates WHERE (collector, peer_address) IN (SELECT collector, peer_address FROM peer_events)',
      'SELECT toStartOfMinute(time) AS m, count() FROM messages GROUP BY m ORDER BY m WITH FILL FROM toDateTime(0) STEP 60',
      '(SELECT 1) UNION ALL (SELECT 2)',
      'EXPLAIN SELECT count() FROM updates',
      'EXPLAIN PLAN header = 1 SELECT count() FROM updates',
      'DESCRIBE TABLE updates',
      'DESC messages',
      'SHOW TABLES',
      'SELECT \'INSERT INTO x; DROP TABLE updates\', "prefix" FROM `updates`',
      'SELECT sum(messages) OVER (PARTITION BY peer_address ORDER BY minute) FROM message_counts_1m',
      "SELECT count() FROM updates WHERE family NOT IN ('ipv4-unicast') AND prefix_length IN (24, 25)",
      'SELECT count() FROM updates WHERE prefix_length GLOBAL IN (SELECT prefix_length FROM updates LIMIT 1)',
      'SELECT count() FROM updates WHERE 24 IN (prefix_length, path_id)',
      'SELECT 1 IN (updates), 1 IN ((routelake.messages))',
      "SELECT formatReadableSize(sum(length(raw))), deltaSum(sequence), URLHierarchy('http://x/y'), currentDatabase(), version() FROM messages",
    ])
      expect([sql, why(sql)]).toEqual([sql, 'accepted'])
  })

  it('refuses writes, administration, settings, table functions, other tables and databases, several statements', () => {
    const refused: [string, string][] = [
      ["INSERT INTO updates (prefix) VALUES ('::')", 'only SELECT queries are allowed, not INSERT'],
      ['DROP TABLE updates', 'only SELECT queries are allowed, not DROP'],
      ['ALTER TABLE updates DELETE WHERE 1', 'only SELECT queries are allowed, not ALTER'],
      ['SYSTEM FLUSH LOGS', 'only SELECT queries are allowed, not SYSTEM'],
      ['TRUNCATE TABLE messages', 'only SELECT queries are allowed, not TRUNCATE'],
      [
        "SELECT * FROM file('/etc/passwd', 'LineAsString')",
        "file() is not allowed: it reads outside Routelake's tables",
      ],
      ["SELECT file('/etc/passwd')", "file() is not allowed: it reads outside Routelake's tables"],
      [
        "SELECT * FROM url('http://127.0.0.1:1/', CSV, 'a String')",
        "url() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT * FROM remote('127.0.0.1', system.one)",
        "remote() is not allowed: it reads outside Routelake's tables",
      ],
      ["SELECT * FROM s3('http://x/y', 'CSV')", "s3() is not allowed: it reads outside Routelake's tables"],
      [
        'SELECT * FROM numbers(10)',
        'table functions such as numbers() are not allowed; read the tables (messages, updates, peer_events, message_counts_1m, update_counts_1m)',
      ],
      ["SELECT * FROM `file`('/etc/passwd')", "file() is not allowed: it reads outside Routelake's tables"],
      [
        'SELECT * FROM updates SETTINGS readonly = 0',
        'SETTINGS clauses are not allowed (settings cannot be changed)',
      ],
      [
        'SELECT 1 SETTINGS max_execution_time = 0',
        'SETTINGS clauses are not allowed (settings cannot be changed)',
      ],
      ['SET readonly = 0', 'only SELECT queries are allowed, not SET'],
      ['SELECT 1; SELECT 2', 'one statement at a time: a ; may only end the query'],
      ['SELECT 1; DROP TABLE updates', 'one statement at a time: a ; may only end the query'],
      ['SELECT 1 -- hidden?\n; DROP TABLE updates', 'one statement at a time: a ; may only end the query'],
      ['SELECT 1 /* unterminated ; DROP TABLE updates', 'a /* comment is not closed'],
      ['SELECT * FROM system.tables', 'SYSTEM statements and the system database are not allowed'],
      [
        'SELECT * FROM "system"."tables"',
        'database system is not allowed: only routelake (messages, updates, peer_events, message_counts_1m, update_counts_1m)',
      ],
      [
        'SELECT * FROM default.updates',
        'database default is not allowed: only routelake (messages, updates, peer_events, message_counts_1m, update_counts_1m)',
      ],
      [
        'SELECT * FROM schema_migrations',
        'table schema_migrations is not allowed (tables: messages, updates, peer_events, message_counts_1m, update_counts_1m)',
      ],
      [
        'SELECT * FROM updates JOIN information_schema.tables ON 1',
        'database information_schema is not allowed: only routelake (messages, updates, peer_events, message_counts_1m, update_counts_1m)',
      ],
      [
        'SELECT * FROM updates, `INFORMATION_SCHEMA`.`TABLES`',
        'database INFORMATION_SCHEMA is not allowed: only routelake (messages, updates, peer_events, message_counts_1m, update_counts_1m)',
      ],
      [
        'SELECT 1 IN "system"."one"',
        'database system is not allowed: only routelake (messages, updates, peer_events, message_counts_1m, update_counts_1m)',
      ],
      ["SELECT joinGet('other.t', 'v', 1)", "joinGet() is not allowed: it reads outside Routelake's tables"],
      [
        'SELECT 1 IN (information_schema.tables)',
        `database information_schema is not allowed: only routelake (${T})`,
      ],
      ['SELECT 1 IN ((default.updates))', `database default is not allowed: only routelake (${T})`],
      ['SELECT 1 NOT IN (`default` . updates)', `database default is not allowed: only routelake (${T})`],
      ['SELECT 1 GLOBAL IN (schema_migrations)', `table schema_migrations is not allowed (tables: ${T})`],
      ['SELECT in(1, default.updates)', `database default is not allowed: only routelake (${T})`],
      ['SELECT NOT in(1, (default.updates))', `database default is not allowed: only routelake (${T})`],
      [
        'SELECT count() FROM updates WHERE in(1, schema_migrations)',
        `table schema_migrations is not allowed (tables: ${T})`,
      ],
      [
        'SELECT 24 IN (prefix_length, u.prefix_length) FROM updates AS u',
        `database u is not allowed: only routelake (${T})`,
      ],
      ['SELECT * FROM zeros(10)', `table functions such as zeros() are not allowed; read the tables (${T})`],
      [
        "SELECT * FROM generateRandom('a UInt8')",
        `table functions such as generateRandom() are not allowed; read the tables (${T})`,
      ],
      [
        "SELECT * FROM values('a UInt8', 1)",
        `table functions such as values() are not allowed; read the tables (${T})`,
      ],
      ["SELECT dictGet('d', 'a', 1)", "dictGet() is not allowed: it reads outside Routelake's tables"],
      [
        "SELECT dictGetString('d', 'a', toUInt64(1))",
        "dictGetString() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT dictGetOrDefault('d', 'a', 1, 'x')",
        "dictGetOrDefault() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT dictGetOrNull('d', 'a', 1)",
        "dictGetOrNull() is not allowed: it reads outside Routelake's tables",
      ],
      ["SELECT dictGetAll('d', 'a', 1)", "dictGetAll() is not allowed: it reads outside Routelake's tables"],
      [
        "SELECT dictGetKeys('d', 'a', 1)",
        "dictGetKeys() is not allowed: it reads outside Routelake's tables",
      ],
      ["SELECT dictHas('d', 1)", "dictHas() is not allowed: it reads outside Routelake's tables"],
      ["SELECT dictIsIn('d', 1, 2)", "dictIsIn() is not allowed: it reads outside Routelake's tables"],
      [
        "SELECT dictGetHierarchy('d', 1)",
        "dictGetHierarchy() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT dictGetChildren('d', 1)",
        "dictGetChildren() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT dictGetDescendants('d', 1, 0)",
        "dictGetDescendants() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT DICTGETUINT64('d', 'a', 1)",
        "DICTGETUINT64() is not allowed: it reads outside Routelake's tables",
      ],
      [
        'SELECT regionToName(toUInt32(1))',
        "regionToName() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT joinGetOrNull('other.t', 'v', 1)",
        "joinGetOrNull() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT hasColumnInTable('system', 'users', 'name')",
        "hasColumnInTable() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT getMaxTableNameLengthForDatabase('default')",
        "getMaxTableNameLengthForDatabase() is not allowed: it reads outside Routelake's tables",
      ],
      ["SELECT getSetting('readonly')", "getSetting() is not allowed: it reads outside Routelake's tables"],
      [
        "SELECT getSettingOrDefault('x', 1)",
        "getSettingOrDefault() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT getServerSetting('path')",
        "getServerSetting() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT getMergeTreeSetting('index_granularity')",
        "getMergeTreeSetting() is not allowed: it reads outside Routelake's tables",
      ],
      ["SELECT getMacro('replica')", "getMacro() is not allowed: it reads outside Routelake's tables"],
      ['SELECT hostName(), 1', "hostName() is not allowed: it reads outside Routelake's tables"],
      ['SELECT FQDN()', "FQDN() is not allowed: it reads outside Routelake's tables"],
      [
        'SELECT getOSKernelVersion()',
        "getOSKernelVersion() is not allowed: it reads outside Routelake's tables",
      ],
      ['SELECT buildId()', "buildId() is not allowed: it reads outside Routelake's tables"],
      ['SELECT serverUUID()', "serverUUID() is not allowed: it reads outside Routelake's tables"],
      ['SELECT tcpPort()', "tcpPort() is not allowed: it reads outside Routelake's tables"],
      ['SELECT showCertificate()', "showCertificate() is not allowed: it reads outside Routelake's tables"],
      [
        "SELECT getClientHTTPHeader('authorization')",
        "getClientHTTPHeader() is not allowed: it reads outside Routelake's tables",
      ],
      ["SELECT aiGenerate('hello')", "aiGenerate() is not allowed: it reads outside Routelake's tables"],
      ["SELECT logTrace('x')", "logTrace() is not allowed: it reads outside Routelake's tables"],
      [
        "SELECT generateSerialID('x')",
        "generateSerialID() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT naiveBayesClassifier('model', 'text')",
        "naiveBayesClassifier() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT catboostEvaluate('/tmp/m.bin', 1)",
        "catboostEvaluate() is not allowed: it reads outside Routelake's tables",
      ],
      [
        'SELECT addressToLine(toUInt64(1))',
        "addressToLine() is not allowed: it reads outside Routelake's tables",
      ],
      ["SELECT demangle('x')", "demangle() is not allowed: it reads outside Routelake's tables"],
      ["SELECT __getScalar('x')", "__getScalar() is not allowed: it reads outside Routelake's tables"],
      ['SELECT notIn(1, default.updates)', "notIn() is not allowed: it reads outside Routelake's tables"],
      [
        'SELECT globalIn(1, default.updates)',
        "globalIn() is not allowed: it reads outside Routelake's tables",
      ],
      ['SELECT nullIn(1, default.updates)', "nullIn() is not allowed: it reads outside Routelake's tables"],
      [
        "SELECT * FROM remoteSecure('127.0.0.1', 'default', 'one')",
        "remoteSecure() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT * FROM s3Cluster('c', 'http://x/y', 'CSV')",
        "s3Cluster() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT * FROM hdfs('hdfs://127.0.0.1:9/x', 'CSV', 'a String')",
        "hdfs() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT * FROM mysql('127.0.0.1:9', 'db', 't', 'u', 'p')",
        "mysql() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT * FROM postgresql('127.0.0.1:9', 'db', 't', 'u', 'p')",
        "postgresql() is not allowed: it reads outside Routelake's tables",
      ],
      ["SELECT * FROM jdbc('jdbc:x', 't')", "jdbc() is not allowed: it reads outside Routelake's tables"],
      ["SELECT * FROM odbc('DSN=x', 't')", "odbc() is not allowed: it reads outside Routelake's tables"],
      [
        "SELECT * FROM executable('x.sh', 'CSV', 'a String')",
        "executable() is not allowed: it reads outside Routelake's tables",
      ],
      ["SELECT * FROM input('a String')", "input() is not allowed: it reads outside Routelake's tables"],
      [
        "SELECT * FROM cluster('default', 'default', 'one')",
        "cluster() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT * FROM clusterAllReplicas('default', 'default', 'one')",
        "clusterAllReplicas() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT * FROM merge('routelake', '.*')",
        "merge() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT * FROM fileCluster('c', '/etc/passwd')",
        "fileCluster() is not allowed: it reads outside Routelake's tables",
      ],
      ["SELECT * FROM filesystem('/')", "filesystem() is not allowed: it reads outside Routelake's tables"],
      [
        "SELECT * FROM azureBlobStorage('x')",
        "azureBlobStorage() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT * FROM deltaLake('http://x/y')",
        "deltaLake() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT * FROM icebergS3('http://x/y')",
        "icebergS3() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT * FROM paimonLocal('/tmp')",
        "paimonLocal() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT * FROM prometheusQuery('x', 'up')",
        "prometheusQuery() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT * FROM ytsaurus('http://x', 't', 'a String')",
        "ytsaurus() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT * FROM timeSeriesData('t')",
        "timeSeriesData() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT * FROM mergeTreeIndex('routelake', 'updates')",
        "mergeTreeIndex() is not allowed: it reads outside Routelake's tables",
      ],
      [
        "SELECT * FROM url('http://127.0.0.1:9/', CSV, 'a String')",
        "url() is not allowed: it reads outside Routelake's tables",
      ],
      ["SELECT * FROM updates INTO OUTFILE '/tmp/x'", 'INTO (OUTFILE) is not allowed'],
      [
        'SELECT * FROM updates FORMAT Native',
        "FORMAT clauses are not allowed (ask for CSV with 'Accept: text/csv')",
      ],
      ['SELECT {p:String}', 'query parameters ({name:Type}) are not allowed'],
      ['SELECT $$x$$', 'heredoc strings ($$…$$) are not allowed'],
      ['SELECT 1 # comment', "'#' is not allowed outside strings"],
      ["SELECT 'unterminated", 'a string is not closed'],
      ['SELECT 1 FROM updates WHERE 1 = 1 AND ç = 1', "the character 'ç' is not allowed outside strings"],
      ['', 'the query is empty'],
      ['-- nothing', 'the query is empty'],
      ['EXPLAIN TABLE OVERRIDE SELECT 1', 'only EXPLAIN of a SELECT is allowed'],
      [
        'DESCRIBE TABLE system.tables',
        'database system is not allowed: only routelake (messages, updates, peer_events, message_counts_1m, update_counts_1m)',
      ],
      [
        'SELECT * FROM (SELECT * FROM system.one)',
        'SYSTEM statements and the system database are not allowed',
      ],
      [
        'WITH x AS (SELECT 1) SELECT * FROM x, "system".one',
        'database system is not allowed: only routelake (messages, updates, peer_events, message_counts_1m, update_counts_1m)',
      ],
    ]
    for (const [sql, reason] of refused) expect([sql, why(sql)]).toEqual([sql, reason])
  })
})

describe.runIf(testdata)('POST /api/v1/sql on the stored tables', () => {
  it("answers in ClickHouse's JSON shape: meta, data, rows, statistics", async () => {
    const res = await post(
      "SELECT family, toString(action) AS action, count() AS n FROM updates WHERE family LIKE 'ipv%-unicast' AND peer_address != toIPv6('127.0.0.20') GROUP BY family, action ORDER BY family, action",
    )
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'application/json; charset=utf-8'])
    const body = SqlResponseSchema.parse(await res.json())
    const lines = replayedLines(testdata!, f.sessionOf)
    const count = (v6: boolean, a: string) =>
      lines.filter((l) => l[5]!.includes(':') === v6 && l[2] === a).length
    expect({ ...body, statistics: undefined }).toEqual({
      meta: [
        { name: 'family', type: 'LowCardinality(String)' },
        { name: 'action', type: 'String' },
        { name: 'n', type: 'UInt64' },
      ],
      data: [
        { family: 'ipv4-unicast', action: 'announce', n: String(count(false, 'A')) },
        { family: 'ipv4-unicast', action: 'withdraw', n: String(count(false, 'W')) },
        { family: 'ipv6-unicast', action: 'announce', n: String(count(true, 'A')) },
        { family: 'ipv6-unicast', action: 'withdraw', n: String(count(true, 'W')) },
      ].filter((r) => r.n !== '0'),
      rows: body.data.length,
      statistics: undefined,
    })
    expect(body.statistics.rows_read).toBeGreaterThan(10_000)
  })

  it('answers CSV with a header line when asked with Accept: text/csv', async () => {
    const res = await post(
      "SELECT family, count() AS n FROM updates WHERE peer_address = toIPv6('127.0.0.20') GROUP BY family ORDER BY family",
      {
        accept: 'text/csv',
      },
    )
    expect([res.status, res.headers.get('content-type'), res.headers.get('content-disposition')]).toEqual([
      200,
      'text/csv; charset=utf-8',
      'attachment; filename="query.csv"',
    ])
    expect(await res.text()).toBe(
      '"family","n"\n"ipv4-flowspec",1\n"ipv4-unicast",2\n"ipv4-vpn",1\n"l2vpn-evpn",1\n',
    )
  })

  it('runs DESCRIBE TABLE, SHOW TABLES and EXPLAIN', async () => {
    const d = SqlResponseSchema.parse(await (await post('DESCRIBE TABLE peer_events')).json())
    expect(d.data.map((r) => r.name)).toEqual(TABLES.peer_events.map((c) => c[0]))
    const s = SqlResponseSchema.parse(await (await post("SHOW TABLES LIKE '%counts%'")).json())
    expect(s.data).toEqual([
      { name: 'message_counts_1m' },
      { name: 'message_counts_1m_mv' },
      { name: 'update_counts_1m' },
      { name: 'update_counts_1m_mv' },
    ])
    const e = await post('EXPLAIN SELECT count() FROM updates')
    expect(e.status).toBe(200)
  })

  it('refuses every attack with a 4xx, and the tables are untouched', async () => {
    const before = await counts()
    const attacks = [
      "INSERT INTO updates (prefix, prefix_length) VALUES ('::', 0)",
      'INSERT INTO messages SELECT * FROM messages',
      'DROP TABLE updates',
      'DROP DATABASE routelake',
      'ALTER TABLE updates DELETE WHERE 1',
      "ALTER TABLE messages UPDATE raw = '' WHERE 1",
      'TRUNCATE TABLE messages',
      'SYSTEM SHUTDOWN',
      'SYSTEM DROP MARK CACHE',
      "SELECT * FROM file('/etc/passwd', 'LineAsString')",
      "SELECT file('/etc/passwd')",
      "SELECT * FROM url('http://127.0.0.1:9/', 'LineAsString')",
      "SELECT * FROM remote('127.0.0.1:9000', 'system', 'one')",
      "SELECT * FROM s3('http://127.0.0.1:9/bucket/key', 'LineAsString')",
      'SELECT * FROM updates SETTINGS readonly = 0',
      'SELECT count() FROM updates SETTINGS max_execution_time = 0, max_result_rows = 0',
      'SET readonly = 0',
      'SELECT 1; DROP TABLE updates',
      'SELECT 1;DROP TABLE updates;',
      "SELECT 1 -- a comment\n; INSERT INTO updates (prefix) VALUES ('::')",
      'SELECT 1 /* hides nothing */; TRUNCATE TABLE messages',
      'SELECT 1 /* unterminated; DROP TABLE updates',
      'SELECT * FROM system.tables',
      'SELECT * FROM "system"."one"',
      'SELECT * FROM information_schema.tables',
      'SELECT * FROM default.messages',
      'SELECT * FROM schema_migrations',
      "SELECT * FROM updates INTO OUTFILE '/tmp/routelake-outfile'",
      'CREATE TABLE x (a UInt8) ENGINE = Memory',
      "ATTACH TABLE x FROM '/tmp' (a UInt8)",
      'KILL QUERY WHERE 1',
      'GRANT ALL ON *.* TO default',
      'OPTIMIZE TABLE updates FINAL',
      'RENAME TABLE updates TO u2',
      'USE system',
      // Dictionaries, other tables by name, table functions, the server and the host (issue 8 audit).
      "SELECT dictGet('d', 'a', 1)",
      "SELECT dictGetString('d', 'a', toUInt64(1))",
      "SELECT dictGetOrDefault('d', 'a', 1, 'x')",
      "SELECT dictGetOrNull('d', 'a', 1)",
      "SELECT dictGetAll('d', 'a', 1)",
      "SELECT dictGetKeys('d', 'a', 1)",
      "SELECT dictHas('d', 1)",
      "SELECT dictIsIn('d', 1, 2)",
      "SELECT dictGetHierarchy('d', 1)",
      "SELECT dictGetChildren('d', 1)",
      "SELECT dictGetDescendants('d', 1, 0)",
      "SELECT DICTGETUINT64('d', 'a', 1)",
      'SELECT regionToName(toUInt32(1))',
      "SELECT joinGetOrNull('other.t', 'v', 1)",
      "SELECT hasColumnInTable('system', 'users', 'name')",
      "SELECT getMaxTableNameLengthForDatabase('default')",
      "SELECT getSetting('readonly')",
      "SELECT getSettingOrDefault('x', 1)",
      "SELECT getServerSetting('path')",
      "SELECT getMergeTreeSetting('index_granularity')",
      "SELECT getMacro('replica')",
      'SELECT hostName(), 1',
      'SELECT FQDN()',
      'SELECT getOSKernelVersion()',
      'SELECT buildId()',
      'SELECT serverUUID()',
      'SELECT tcpPort()',
      'SELECT showCertificate()',
      "SELECT getClientHTTPHeader('authorization')",
      "SELECT aiGenerate('hello')",
      "SELECT logTrace('x')",
      "SELECT generateSerialID('x')",
      "SELECT naiveBayesClassifier('model', 'text')",
      "SELECT catboostEvaluate('/tmp/m.bin', 1)",
      'SELECT addressToLine(toUInt64(1))',
      "SELECT demangle('x')",
      "SELECT __getScalar('x')",
      'SELECT notIn(1, default.updates)',
      'SELECT globalIn(1, default.updates)',
      'SELECT nullIn(1, default.updates)',
      "SELECT * FROM remoteSecure('127.0.0.1', 'default', 'one')",
      "SELECT * FROM s3Cluster('c', 'http://x/y', 'CSV')",
      "SELECT * FROM hdfs('hdfs://127.0.0.1:9/x', 'CSV', 'a String')",
      "SELECT * FROM mysql('127.0.0.1:9', 'db', 't', 'u', 'p')",
      "SELECT * FROM postgresql('127.0.0.1:9', 'db', 't', 'u', 'p')",
      "SELECT * FROM jdbc('jdbc:x', 't')",
      "SELECT * FROM odbc('DSN=x', 't')",
      "SELECT * FROM executable('x.sh', 'CSV', 'a String')",
      "SELECT * FROM input('a String')",
      "SELECT * FROM cluster('default', 'default', 'one')",
      "SELECT * FROM clusterAllReplicas('default', 'default', 'one')",
      "SELECT * FROM merge('routelake', '.*')",
      "SELECT * FROM fileCluster('c', '/etc/passwd')",
      "SELECT * FROM filesystem('/')",
      "SELECT * FROM azureBlobStorage('x')",
      "SELECT * FROM deltaLake('http://x/y')",
      "SELECT * FROM icebergS3('http://x/y')",
      "SELECT * FROM paimonLocal('/tmp')",
      "SELECT * FROM prometheusQuery('x', 'up')",
      "SELECT * FROM ytsaurus('http://x', 't', 'a String')",
      "SELECT * FROM timeSeriesData('t')",
      "SELECT * FROM mergeTreeIndex('routelake', 'updates')",
      "SELECT * FROM url('http://127.0.0.1:9/', CSV, 'a String')",
      'SELECT 1 IN (information_schema.tables)',
      'SELECT 1 IN ((default.updates))',
      'SELECT 1 NOT IN (`default` . updates)',
      'SELECT 1 GLOBAL IN (schema_migrations)',
      'SELECT in(1, default.updates)',
      'SELECT NOT in(1, (default.updates))',
      'SELECT count() FROM updates WHERE in(1, schema_migrations)',
      'SELECT * FROM zeros(10)',
      'SELECT * FROM numbers_mt(10)',
    ]
    for (const q of attacks) {
      const res = await post(q)
      const body = ErrorSchema.parse(await res.json())
      expect([q, res.status, body.error.startsWith('query refused: ')]).toEqual([q, 400, true])
    }
    expect(await counts()).toEqual(before)
    // IN with a list or a subquery is still a query like any other.
    const inList = await post(
      "SELECT count() > 0 AS some FROM updates WHERE family NOT IN ('x') AND prefix_length IN (24, 25) AND prefix_length GLOBAL IN (SELECT prefix_length FROM updates)",
    )
    expect([inList.status, SqlResponseSchema.parse(await inList.json()).data]).toEqual([200, [{ some: 1 }]])
    // Not JSON, or no query: refused by validation.
    const notJson = await f.collector.api.request('/api/v1/sql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    })
    expect(notJson.status).toBe(400)
    const empty = await post('')
    expect([empty.status, ErrorSchema.parse(await empty.json()).error]).toEqual([
      400,
      'query: Too small: expected string to have >=1 characters',
    ])
  })

  it('ClickHouse itself refuses writes under the settings every query runs with (403)', async () => {
    const before = await counts()
    const settings = sqlSettings(apiContext({ peers: () => [], now: () => 0 }))
    expect(settings).toBe(
      "max_execution_time = 10, max_result_rows = 100000, max_result_bytes = 104857600, result_overflow_mode = 'throw', max_memory_usage = 4000000000, readonly = 1",
    )
    const writer = f.collector.storage!.writer
    for (const q of [
      "INSERT INTO updates (prefix, prefix_length) SELECT toIPv6('::'), 0",
      "SELECT * FROM file('/etc/passwd', 'LineAsString')",
    ]) {
      const e = await writer.queryFormatted(`${q}\nSETTINGS ${settings}`, 'JSON').then(
        () => undefined,
        (x: Error) => x,
      )
      expect([q, storageError(e).status, storageError(e).message]).toEqual([
        q,
        403,
        expect.stringMatching(/readonly/i),
      ])
    }
    expect(await counts()).toEqual(before)
  })

  it('limits: rows and time over the configured ones are 422', async () => {
    const app = apiWith(f.collector, { sqlMaxRows: 10, sqlMaxExecutionTime: 1 })
    const rows = await post('SELECT prefix FROM updates', {}, app)
    expect([rows.status, ErrorSchema.parse(await rows.json()).error]).toEqual([
      422,
      expect.stringMatching(/^the query went over a limit: .*Limit for result exceeded, max rows: 10\.00/),
    ])
    const slow = await post('SELECT sleep(2) FROM updates LIMIT 1', {}, app)
    expect([slow.status, ErrorSchema.parse(await slow.json()).error]).toEqual([
      422,
      expect.stringMatching(/^the query went over a limit: .*Timeout exceeded/),
    ])
    // A failed query leaves nothing behind for the next one (the embedded engine would hand its partial output on).
    const next = await post('SELECT 1 AS one FROM updates LIMIT 1', {}, app)
    expect([next.status, SqlResponseSchema.parse(await next.json()).data]).toEqual([200, [{ one: 1 }]])
    const history = await f.collector.api.request('/api/v1/history/prefix?prefix=203.0.113.0/24')
    expect(history.status).toBe(200)
  })

  it('asks for the bearer token when sql-token is set', async () => {
    const app = apiWith(f.collector, { sqlToken: 's3cret' })
    const none = await post('SELECT 1 FROM updates LIMIT 1', {}, app)
    expect([none.status, none.headers.get('www-authenticate'), await none.json()]).toEqual([
      401,
      'Bearer',
      { status: 401, error: 'this route needs Authorization: Bearer <sql-token>' },
    ])
    expect((await post('SELECT 1 FROM updates LIMIT 1', { authorization: 'Bearer wrong' }, app)).status).toBe(
      401,
    )
    const ok = await post('SELECT 1 AS one FROM updates LIMIT 1', { authorization: 'Bearer s3cret' }, app)
    expect([ok.status, SqlResponseSchema.parse(await ok.json()).data]).toEqual([200, [{ one: 1 }]])
  })
})

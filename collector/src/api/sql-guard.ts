// The SQL route's parser-level guard. ClickHouse itself enforces read-only
// execution and the limits (the route appends SETTINGS readonly = 1,
// max_execution_time, max_result_rows/bytes …); this guard refuses, before
// anything reaches ClickHouse, whatever a read-only query of our tables has
// no need for:
//
//  - more than one statement (the embedded engine runs every statement of a
//    multi-statement text), and anything but SELECT / WITH … SELECT,
//    EXPLAIN of one, DESCRIBE TABLE and SHOW TABLES;
//  - a table that is not one of ours, any other database (system.*, …), and
//    table functions (file(), url(), remote(), s3(), …) wherever a table goes;
//  - functions that reach outside the tables: file(), url(), joinGet(),
//    every dictionary function (dict*), settings, model evaluation, AI
//    requests, filesystem figures, the host's names …; and a table read by
//    name after IN, `x IN (db.t)` or as the function `in(x, db.t)`, is
//    checked like one after FROM;
//  - SETTINGS (settings changes), FORMAT and INTO OUTFILE clauses, SET, and
//    the keywords of writes and administration (INSERT, ALTER, DROP, SYSTEM …)
//    anywhere outside a string;
//  - what a tokenizer could read differently from ClickHouse's: unterminated
//    strings or comments, heredocs ($$), query parameters ({x:T}), `#`,
//    backslashes and non-ASCII characters outside quotes.
//
// Comments are stripped from the text handed on, so nothing the guard did not
// read can reach ClickHouse, and the route's SETTINGS cannot be commented out.

export class SqlRefused extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SqlRefused'
  }
}

type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'punct'

interface Token {
  readonly kind: TokenKind
  /** As written (quoted identifiers and strings with their quotes). */
  readonly text: string
  /** Words: upper case; quoted identifiers: their unescaped name. */
  readonly value: string
}

const SPACE = /\s/
const WORD_START = /[A-Za-z_]/
const WORD = /[A-Za-z0-9_]/
const PUNCT3 = ['<=>']
const PUNCT2 = ['::', '||', '<=', '>=', '!=', '<>', '==', '->']
const PUNCT1 = new Set([
  '(',
  ')',
  '[',
  ']',
  ',',
  '.',
  ':',
  '?',
  '+',
  '-',
  '*',
  '/',
  '%',
  '=',
  '<',
  '>',
  '!',
  '|',
  '^',
  '&',
  '~',
])

function refuse(why: string): never {
  throw new SqlRefused(why)
}

/** Tokens, and the text with every comment replaced by a space. */
export function tokenize(sql: string): { tokens: Token[]; clean: string } {
  const tokens: Token[] = []
  let clean = ''
  let i = 0
  const n = sql.length
  while (i < n) {
    const ch = sql[i]!
    if (SPACE.test(ch)) {
      clean += ch
      i++
      continue
    }
    if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i)
      i = end < 0 ? n : end
      clean += ' '
      continue
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      if (end < 0) refuse('a /* comment is not closed')
      i = end + 2
      clean += ' '
      continue
    }
    const start = i
    if (ch === "'" || ch === '"' || ch === '`') {
      let value = ''
      i++
      for (;;) {
        if (i >= n) refuse(ch === "'" ? 'a string is not closed' : `a ${ch}quoted${ch} name is not closed`)
        const c = sql[i]!
        if (c === '\\') {
          if (i + 1 >= n) refuse('a string ends in a backslash')
          value += sql[i + 1]
          i += 2
          continue
        }
        if (c === ch) {
          if (sql[i + 1] === ch) {
            value += ch
            i += 2
            continue
          }
          i++
          break
        }
        value += c
        i++
      }
      const text = sql.slice(start, i)
      tokens.push({ kind: ch === "'" ? 'string' : 'quoted', text, value })
      clean += text
      continue
    }
    if (WORD_START.test(ch)) {
      while (i < n && WORD.test(sql[i]!)) i++
      const text = sql.slice(start, i)
      tokens.push({ kind: 'word', text, value: text.toUpperCase() })
      clean += text
      continue
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|(?:\d[\d_]*)?\.?\d*(?:[eE][+-]?\d+)?)/.exec(sql.slice(i))!
      i += Math.max(1, m[0].length)
      // A number glued to letters (1abc) is not something ClickHouse reads as we would.
      if (i < n && WORD.test(sql[i]!)) refuse(`'${sql.slice(start, i + 1)}…' is not a number`)
      const text = sql.slice(start, i)
      tokens.push({ kind: 'number', text, value: text })
      clean += text
      continue
    }
    const three = sql.slice(i, i + 3)
    const two = sql.slice(i, i + 2)
    const punct = PUNCT3.includes(three)
      ? three
      : PUNCT2.includes(two)
        ? two
        : PUNCT1.has(ch)
          ? ch
          : ch === ';'
            ? ch
            : ''
    if (!punct) {
      if (ch === '$') refuse('heredoc strings ($$…$$) are not allowed')
      if (ch === '{' || ch === '}') refuse('query parameters ({name:Type}) are not allowed')
      if (ch === '#') refuse("'#' is not allowed outside strings")
      refuse(`the character '${ch}' is not allowed outside strings`)
    }
    i += punct.length
    tokens.push({ kind: 'punct', text: punct, value: punct })
    clean += punct
  }
  return { tokens, clean }
}

/** Keywords a read-only query of our tables never needs, refused wherever they appear unquoted. */
const DENIED = new Map<string, string>([
  ['SETTINGS', 'SETTINGS clauses are not allowed (settings cannot be changed)'],
  ['SET', 'SET is not allowed (settings cannot be changed)'],
  ['FORMAT', "FORMAT clauses are not allowed (ask for CSV with 'Accept: text/csv')"],
  ['INTO', 'INTO (OUTFILE) is not allowed'],
  ['OUTFILE', 'INTO OUTFILE is not allowed'],
  ['INFILE', 'FROM INFILE is not allowed'],
  ['SYSTEM', 'SYSTEM statements and the system database are not allowed'],
  ...[
    'INSERT',
    'UPDATE',
    'DELETE',
    'ALTER',
    'DROP',
    'CREATE',
    'ATTACH',
    'DETACH',
    'RENAME',
    'TRUNCATE',
    'OPTIMIZE',
    'KILL',
    'GRANT',
    'REVOKE',
    'USE',
    'EXCHANGE',
    'UNDROP',
    'BACKUP',
    'RESTORE',
    'WATCH',
    'MOVE',
    'CHECK',
    'BEGIN',
    'COMMIT',
    'ROLLBACK',
    'EXECUTE',
  ].map((k): [string, string] => [k, `${k} is not allowed: the SQL route only reads`]),
])

/**
 * Functions refused anywhere (lower case): table functions that reach files,
 * URLs, other servers or databases, and functions that read outside our
 * tables, reach out of the server, write, or describe the host. The names
 * are ClickHouse 26's (system.functions and system.table_functions, read
 * from the embedded engine); DENIED_PREFIXES covers their families,
 * including members later releases add.
 */
const DENIED_FUNCTIONS = new Set(
  [
    // Table functions (refused wherever a table goes anyway; named for a clearer reason).
    'file',
    'url',
    'urlCluster',
    'gcs',
    'oss',
    'cosn',
    'mysql',
    'postgresql',
    'sqlite',
    'mongodb',
    'redis',
    'jdbc',
    'odbc',
    'input',
    'executable',
    'executablePool',
    'dictionary',
    'merge',
    'loop',
    'view',
    'viewIfPermitted',
    'viewExplain',
    'fuzzJSON',
    'fuzzQuery',
    'ytsaurus',
    'arrowstream',
    'eval',
    'timeSeriesData',
    'timeSeriesMetrics',
    'timeSeriesSamples',
    'timeSeriesSelector',
    'timeSeriesTags',
    'iceberg',
    'icebergS3',
    'icebergS3Cluster',
    'icebergAzure',
    'icebergAzureCluster',
    'icebergHDFS',
    'icebergHDFSCluster',
    'icebergLocal',
    'icebergLocalCluster',
    'icebergCluster',
    // Other tables read by name: a Join engine table, a table's columns, another database's limits.
    'joinGet',
    'joinGetOrNull',
    'hasColumnInTable',
    'getMaxTableNameLengthForDatabase',
    // IN as a function takes a table as its second argument (`in` itself: see checkIn).
    'notIn',
    'globalIn',
    'globalNotIn',
    'nullIn',
    'notNullIn',
    'globalNullIn',
    'globalNotNullIn',
    'inIgnoreSet',
    'notInIgnoreSet',
    'globalInIgnoreSet',
    'globalNotInIgnoreSet',
    'nullInIgnoreSet',
    'notNullInIgnoreSet',
    'globalNullInIgnoreSet',
    'globalNotNullInIgnoreSet',
    // Models and files on the server, requests to an AI provider, Keeper writes, the server log.
    'catboostEvaluate',
    'modelEvaluate',
    'naiveBayesClassifier',
    'generateSerialID',
    'logTrace',
    // The server's configuration, settings and identity, the host, its files and the client's headers.
    'getMacro',
    'getClientHTTPHeader',
    'showCertificate',
    'hostName',
    'fqdn',
    'getOSKernelVersion',
    'buildId',
    'serverUUID',
    'displayName',
    'tcpPort',
    'zookeeperSessionUptime',
    'currentProfiles',
    'currentRoles',
    'enabledProfiles',
    'enabledRoles',
    'defaultProfiles',
    'defaultRoles',
    // Introspection: the server binary's symbols and threads.
    'demangle',
    'tid',
  ].map((f) => f.toLowerCase()),
)

/**
 * Prefixes (lower case) of refused families: every dictionary function
 * (dictGet, dictGetString, dictGetOrDefault, dictHas, dictIsIn,
 * dictGetHierarchy, dictGetChildren, dictGetDescendants…), the embedded
 * dictionaries (regionToName…), the table functions of object stores, data
 * lakes and clusters (remote, remoteSecure, s3, s3Cluster, hdfs, cluster,
 * clusterAllReplicas, deltaLake…, hudi…, paimon…, azureBlobStorage…,
 * mergeTreeIndex…, prometheusQuery…), files (file, fileCluster,
 * filesystemAvailable…), settings (getSetting, getServerSetting,
 * getMergeTreeSetting…), AI requests (aiGenerate…), machine-learning models,
 * introspection (addressToLine…), and ClickHouse's internal functions (`__`).
 */
const DENIED_PREFIXES = [
  'dict',
  'region',
  'remote',
  's3',
  'hdfs',
  'cluster',
  'azureblob',
  'deltalake',
  'hudi',
  'paimon',
  'mergetree',
  'prometheus',
  'file',
  'getsetting',
  'getserver',
  'getmergetree',
  'ai',
  'naivebayes',
  'catboost',
  'address',
  '__',
]

/** The function named (any case) is refused. */
export function deniedFunction(name: string): boolean {
  const n = name.toLowerCase()
  return DENIED_FUNCTIONS.has(n) || DENIED_PREFIXES.some((p) => n.startsWith(p))
}

/** Clause keywords that end a FROM list (where a comma no longer introduces a table). */
const ENDS_FROM_LIST = new Set([
  'WHERE',
  'PREWHERE',
  'GROUP',
  'ORDER',
  'LIMIT',
  'OFFSET',
  'HAVING',
  'WINDOW',
  'QUALIFY',
  'UNION',
  'EXCEPT',
  'INTERSECT',
  'SELECT',
  'ON',
  'USING',
  'JOIN',
  'ARRAY',
  'FETCH',
])

/** Words after which a '(' opens a group or a subquery, not a function's arguments. */
const STRUCTURAL = new Set([
  'SELECT',
  'WITH',
  'FROM',
  'JOIN',
  'IN',
  'AS',
  'ON',
  'USING',
  'WHERE',
  'PREWHERE',
  'HAVING',
  'AND',
  'OR',
  'NOT',
  'BY',
  'THEN',
  'ELSE',
  'WHEN',
  'CASE',
  'UNION',
  'ALL',
  'ANY',
  'EXCEPT',
  'INTERSECT',
  'DISTINCT',
  'EXPLAIN',
  'LIMIT',
  'IS',
  'BETWEEN',
  'LIKE',
  'ILIKE',
  'GLOBAL',
  'ARRAY',
  'QUALIFY',
  'WINDOW',
  'OVER',
  'INTERVAL',
  'EXISTS',
])

export interface GuardOptions {
  /** Our database: `db.table` names only it. */
  readonly database: string
  /** The tables that may be read. */
  readonly tables: readonly string[]
}

export interface GuardedSql {
  /** The statement, comments stripped and any trailing ';' removed, ready for SETTINGS and FORMAT. */
  readonly sql: string
  readonly kind: 'select' | 'explain' | 'describe' | 'show'
}

function isWord(t: Token | undefined, value?: string): boolean {
  return t?.kind === 'word' && (value === undefined || t.value === value)
}

function isName(t: Token | undefined): boolean {
  return t?.kind === 'word' || t?.kind === 'quoted'
}

function nameOf(t: Token): string {
  return t.kind === 'quoted' ? t.value : t.text
}

/** Checks a query; returns it ready to run, or throws SqlRefused with the reason. */
export function guardSql(text: string, options: GuardOptions): GuardedSql {
  const { tokens, clean } = tokenize(text)
  // One statement: a ';' may only end the text.
  const semi = tokens.findIndex((t) => t.kind === 'punct' && t.value === ';')
  if (semi >= 0 && semi !== tokens.length - 1) refuse('one statement at a time: a ; may only end the query')
  const body = semi >= 0 ? tokens.slice(0, -1) : tokens
  if (!body.length) refuse('the query is empty')
  let sql = clean.trim()
  if (semi >= 0) sql = sql.slice(0, sql.lastIndexOf(';')).trimEnd()

  const first = body[0]!
  let kind: GuardedSql['kind']
  let from = 0
  if (isWord(first, 'SELECT') || isWord(first, 'WITH') || (first.kind === 'punct' && first.value === '(')) {
    kind = 'select'
  } else if (isWord(first, 'EXPLAIN')) {
    kind = 'explain'
    from = 1
    // EXPLAIN [AST | SYNTAX | QUERY TREE | PLAN | PIPELINE | ESTIMATE] [setting = value, …] SELECT …
    const at = body.findIndex(
      (t, i) => i > 0 && (isWord(t, 'SELECT') || isWord(t, 'WITH') || t.value === '('),
    )
    if (at < 0) refuse('EXPLAIN what? Only EXPLAIN of a SELECT is allowed')
    for (const t of body.slice(1, at)) {
      if (!(t.kind === 'word' || t.kind === 'number' || t.value === '=' || t.value === ','))
        refuse(`'${t.text}' is not allowed after EXPLAIN`)
      if (t.kind === 'word' && ['TABLE', 'OVERRIDE', 'CURRENT', 'TRANSACTION'].includes(t.value))
        refuse('only EXPLAIN of a SELECT is allowed')
    }
  } else if (isWord(first, 'DESCRIBE') || isWord(first, 'DESC')) {
    kind = 'describe'
    const rest = isWord(body[1], 'TABLE') ? body.slice(2) : body.slice(1)
    const ok =
      (rest.length === 1 && isName(rest[0])) ||
      (rest.length === 3 && isName(rest[0]) && rest[1]!.value === '.' && isName(rest[2]))
    if (!ok) refuse('DESCRIBE takes one of our tables: DESCRIBE TABLE updates')
    checkTable(
      rest.length === 1 ? undefined : nameOf(rest[0]!),
      nameOf(rest[rest.length - 1]!),
      options,
      new Set(),
    )
    return { sql, kind }
  } else if (isWord(first, 'SHOW')) {
    kind = 'show'
    const ok =
      (body.length === 2 && isWord(body[1], 'TABLES')) ||
      (body.length === 4 &&
        isWord(body[1], 'TABLES') &&
        isWord(body[2], 'LIKE') &&
        body[3]!.kind === 'string')
    if (!ok) refuse("only SHOW TABLES [LIKE '…'] is allowed")
    return { sql, kind }
  } else {
    refuse(`only SELECT queries are allowed, not ${first.text}`)
  }
  checkSelect(body, from, options)
  return { sql, kind }
}

function isPunct(t: Token | undefined, value: string): boolean {
  return t?.kind === 'punct' && t.value === value
}

/** The index of the ')' or ']' closing the bracket at `open`, or -1. */
function closing(t: readonly Token[], open: number): number {
  let depth = 0
  for (let j = open; j < t.length; j++) {
    if (isPunct(t[j], '(') || isPunct(t[j], '[')) depth++
    else if ((isPunct(t[j], ')') || isPunct(t[j], ']')) && --depth === 0) return j
  }
  return -1
}

/** A name or db.name alone, in any number of parentheses: what ClickHouse reads as a table after IN. */
function bareName(item: readonly Token[]): { db?: string; table: string } | undefined {
  let a = 0
  let b = item.length
  while (b - a >= 2 && isPunct(item[a], '(') && closing(item.slice(0, b), a) === b - 1) {
    a++
    b--
  }
  const x = item.slice(a, b)
  if (x.length === 1 && isName(x[0])) return { table: nameOf(x[0]!) }
  if (x.length === 3 && isName(x[0]) && isPunct(x[1], '.') && isName(x[2]))
    return { db: nameOf(x[0]!), table: nameOf(x[2]!) }
  return undefined
}

/** Words after which an expression starts (so a following `in(` is the function, not the operator). */
const EXPRESSION_STARTS = new Set([
  ...STRUCTURAL,
  'OFFSET',
  'STEP',
  'TO',
  'SAMPLE',
  'TOP',
  'FILL',
  'DIV',
  'MOD',
  'ESCAPE',
  'SOME',
  'PARTITION',
  'ROWS',
  'RANGE',
  'PRECEDING',
  'FOLLOWING',
  'FETCH',
  'FIRST',
  'NEXT',
  'INTERPOLATE',
])

function endsOperand(t: Token | undefined): boolean {
  if (!t) return false
  if (t.kind === 'punct') return t.value === ')' || t.value === ']'
  if (t.kind === 'word') return !EXPRESSION_STARTS.has(t.value)
  return true
}

/**
 * `IN (` at `at`: ClickHouse reads a name alone in the parentheses as a
 * table (`x IN (db.t)`, `x IN ((t))`), and the function form `in(x, db.t)`
 * reads its second argument so: both are checked as tables. A tuple's names
 * after the operator are columns (`x IN (a, b)`).
 */
function checkIn(t: readonly Token[], at: number, o: GuardOptions, ctes: ReadonlySet<string>): void {
  const open = at + 1
  const close = closing(t, open)
  if (close < 0) return
  const items: Token[][] = [[]]
  let depth = 0
  for (let j = open + 1; j < close; j++) {
    const x = t[j]!
    if (isPunct(x, '(') || isPunct(x, '[')) depth++
    else if (isPunct(x, ')') || isPunct(x, ']')) depth--
    if (depth === 0 && isPunct(x, ',')) items.push([])
    else items[items.length - 1]!.push(x)
  }
  let before = at - 1
  while (isWord(t[before], 'NOT') || isWord(t[before], 'GLOBAL')) before--
  const operator = endsOperand(t[before])
  const target =
    items.length === 1 ? bareName(items[0]!) : items.length === 2 ? bareName(items[1]!) : undefined
  if (!target) return
  // After the operator, the second of two names is a column, unless db.name (refused as another database).
  if (items.length === 2 && operator && target.db === undefined) return
  checkTable(target.db, target.table, o, ctes)
}

function checkTable(db: string | undefined, table: string, o: GuardOptions, ctes: ReadonlySet<string>): void {
  if (db !== undefined && db !== o.database)
    refuse(`database ${db} is not allowed: only ${o.database} (${o.tables.join(', ')})`)
  if (db === undefined && ctes.has(table)) return
  if (!o.tables.includes(table)) refuse(`table ${table} is not allowed (tables: ${o.tables.join(', ')})`)
}

function checkSelect(t: readonly Token[], from: number, o: GuardOptions): void {
  // Names given to subqueries by WITH (name AS (…)) may be read like tables.
  const ctes = new Set<string>()
  for (let i = from; i + 2 < t.length; i++) {
    if (isName(t[i]) && isWord(t[i + 1], 'AS') && t[i + 2]!.value === '(') ctes.add(nameOf(t[i]!))
  }
  // What each open parenthesis holds: a query, a function's arguments, or a group.
  const parens: ('query' | 'call' | 'group')[] = []
  const open = (i: number) => {
    const next = t[i + 1]
    const prev = t[i - 1]
    parens.push(
      isWord(next, 'SELECT') || isWord(next, 'WITH')
        ? 'query'
        : i > from && isName(prev) && !(prev!.kind === 'word' && STRUCTURAL.has(prev!.value))
          ? 'call'
          : 'group',
    )
  }
  let depth = 0
  const fromList = new Set<number>()
  let expectTable = false
  for (let i = from; i < t.length; i++) {
    const tok = t[i]!
    if (tok.kind === 'word') {
      const why = DENIED.get(tok.value)
      if (why) refuse(why)
    }
    const next = t[i + 1]
    if (isName(tok) && next?.value === '(' && deniedFunction(nameOf(tok))) {
      refuse(`${nameOf(tok)}() is not allowed: it reads outside Routelake's tables`)
    }
    if (expectTable) {
      expectTable = false
      if (tok.value === '(') {
        open(i)
        depth++
        continue
      }
      if (!isName(tok)) refuse(`'${tok.text}' where a table was expected`)
      if (next?.value === '(')
        refuse(
          `table functions such as ${tok.text}() are not allowed; read the tables (${o.tables.join(', ')})`,
        )
      if (next?.value === '.') {
        const table = t[i + 2]
        if (!isName(table)) refuse(`'${next.text}${table?.text ?? ''}' where a table was expected`)
        if (t[i + 3]?.value === '(') refuse(`table functions such as ${table!.text}() are not allowed`)
        checkTable(nameOf(tok), nameOf(table!), o, ctes)
        i += 2
      } else checkTable(undefined, nameOf(tok), o, ctes)
      continue
    }
    if (tok.kind === 'punct') {
      if (tok.value === '(') {
        open(i)
        depth++
      } else if (tok.value === ')') {
        fromList.delete(depth)
        parens.pop()
        depth--
        if (depth < 0) refuse("a ')' closes nothing")
      } else if (tok.value === ',' && fromList.has(depth)) expectTable = true
      continue
    }
    if (tok.kind !== 'word') continue
    if (ENDS_FROM_LIST.has(tok.value)) fromList.delete(depth)
    if (tok.value === 'FROM') {
      // extract(… FROM x), substring(s FROM 1), trim(… FROM s): an argument, not a table.
      // ORDER BY … WITH FILL FROM x: a bound, not a table.
      if (parens[parens.length - 1] === 'call' || isWord(t[i - 1], 'FILL')) continue
      expectTable = true
      fromList.add(depth)
    } else if (tok.value === 'JOIN') {
      // ARRAY JOIN takes expressions (arrays), not tables.
      if (!isWord(t[i - 1], 'ARRAY')) expectTable = true
    } else if (tok.value === 'IN') {
      // x IN table, x IN db.table (a subquery or a list starts with '(').
      if (isName(next) && t[i + 2]?.value !== '(') expectTable = true
      else if (isPunct(next, '(')) checkIn(t, i, o, ctes)
    }
  }
  if (expectTable) refuse('a table is missing at the end of the query')
  if (depth !== 0) refuse("a '(' is not closed")
}

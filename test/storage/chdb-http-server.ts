// A ClickHouse server's HTTP interface, as far as @clickhouse/client uses it,
// served by the embedded engine: the tests' stand-in for a ClickHouse server
// (none is installed here). Killing this process is a server going down;
// starting it again on the same port and data directory is the server coming
// back with its data.
//
//   node --import tsx chdb-http-server.ts DATA_DIR PORT
//
// GET/POST /ping answers "Ok.". Otherwise the statement is the `query` URL
// parameter (with the request body as its data: an INSERT) or the body;
// `database` selects the database, `param_*` are bound parameters, and other
// parameters are settings, applied to INSERTs as a SETTINGS clause. Errors
// are answered as a server does: status 500, the exception text, and the
// X-ClickHouse-Exception-Code header. Prints "listening PORT" when ready.

import { rm, writeFile } from 'node:fs/promises'
import { createServer, type IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { Session } from 'chdb'

const [dir, portText] = process.argv.slice(2)
if (!dir || !portText) {
  process.stderr.write('usage: chdb-http-server.ts DATA_DIR PORT\n')
  process.exit(2)
}
const session = new Session(dir)
// As a server's HTTP interface answers by default: 64-bit integers quoted in JSON.
session.query('SET output_format_json_quote_64bit_integers = 1')
const IGNORED = new Set([
  'query',
  'database',
  'query_id',
  'session_id',
  'default_format',
  'wait_end_of_query',
])
const INSERT = /^\s*INSERT\s+INTO\s+([A-Za-z0-9_.]+)\s*(\([^)]*\))?\s*FORMAT\s+(\w+)\s*$/is
let files = 0

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

function literal(v: string): string {
  return /^-?\d+(\.\d+)?$/.test(v) ? v : `'${v.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
}

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname === '/ping') {
      res.end('Ok.\n')
      return
    }
    const data = await body(req)
    const params = url.searchParams
    const inUrl = params.get('query')
    const sql = inUrl ?? data.toString('utf8')
    const database = params.get('database')
    if (database) await session.queryAsync(`USE ${database}`)
    const bind: Record<string, string> = {}
    const settings: string[] = []
    for (const [k, v] of params) {
      if (k.startsWith('param_')) bind[k.slice(6)] = v
      else if (!IGNORED.has(k)) settings.push(`${k} = ${literal(v)}`)
    }
    const insert = inUrl !== null ? INSERT.exec(sql) : null
    if (insert) {
      const file = join(dir, `.http-insert-${++files}.${insert[3]}`)
      await writeFile(file, data)
      try {
        await session.queryAsync(
          `INSERT INTO ${insert[1]} ${insert[2] ?? ''} FROM INFILE '${file}' ${settings.length ? `SETTINGS ${settings.join(', ')}` : ''} FORMAT ${insert[3]}`,
        )
      } finally {
        await rm(file, { force: true })
      }
      res.setHeader('X-ClickHouse-Summary', '{}')
      res.end()
      return
    }
    const result = Object.keys(bind).length
      ? await session.queryBindAsync(sql, bind)
      : await session.queryAsync(sql)
    res.setHeader('Content-Type', 'text/plain; charset=UTF-8')
    res.end(Buffer.from(result.bytes()))
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e)
    const code = /Code: (\d+)/.exec(text)?.[1] ?? '1000'
    res.statusCode = 500
    res.setHeader('X-ClickHouse-Exception-Code', code)
    res.end(text)
  }
})

server.listen(Number(portText), '127.0.0.1', () => {
  process.stdout.write(`listening ${portText}\n`)
})
process.on('SIGTERM', () => {
  server.close()
  session.close()
  process.exit(0)
})

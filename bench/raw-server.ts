/**
 * The benchmark's baseline: a bare `node:http` server answering the same JSON as the service for
 * `GET /health` and `GET /api/items/:id` (same query, same pool size), with none of the framework
 * (no routing library, validation, schemas, hooks, request ids or logging). `GET /ready` answers 200
 * after one `SELECT 1`, so its start-up (spawn to the first `/ready` 200) is the floor for the
 * service's: Node's boot, pg's first connection and one query.
 *
 * bench/service.ts bundles this file with esbuild and runs the bundle with plain `node`, like the
 * service's production bundle.
 *
 * Usage: node raw-server.mjs <port> <database url> <schema>
 */
import { createServer, type ServerResponse } from 'node:http';
import pg from 'pg';

const [port = '0', connectionString, schema = 'public'] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString, max: 10 });
const health = JSON.stringify({ status: 'ok' });
const ITEM = /^\/api\/items\/([0-9a-fA-F-]{36})$/;

function send(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

const server = createServer((req, res) => {
  if (req.url === '/health') return send(res, 200, health);
  if (req.url === '/ready') {
    pool
      .query('SELECT 1')
      .then(() => send(res, 200, '{"status":"ready"}'))
      .catch(() => send(res, 503, '{"status":"not_ready"}'));
    return;
  }
  const id = ITEM.exec(req.url ?? '')?.[1];
  if (!id) return send(res, 404, '{"error":"not found"}');
  pool
    .query(
      `SELECT id, seq, name, note, done, tags, created_at, updated_at, processed_at FROM "${schema}".items WHERE id = $1`,
      [id],
    )
    .then(({ rows }) => {
      const row = rows[0];
      if (!row) return send(res, 404, '{"error":"not found"}');
      send(
        res,
        200,
        JSON.stringify({
          id: row.id,
          name: row.name,
          note: row.note,
          done: row.done,
          tags: row.tags,
          createdAt: row.created_at.toISOString(),
          updatedAt: row.updated_at.toISOString(),
          processedAt: row.processed_at?.toISOString() ?? null,
        }),
      );
    })
    .catch(() => send(res, 503, '{"error":"database"}'));
});
server.keepAliveTimeout = 72_000;
server.listen(Number(port), '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.end().then(() => process.exit(0));
});

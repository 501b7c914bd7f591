/**
 * The benchmark's baseline: a bare `node:http` server answering the same JSON as the service for
 * `GET /health` and `GET /api/items/:id` (same query, same pool size), with none of the framework
 * (no routing library, validation, schemas, hooks, request ids or logging).
 *
 * Usage: node --import tsx bench/raw-server.ts <port> <database url> <schema>
 */
import { createServer } from 'node:http';
import pg from 'pg';

const [port = '0', connectionString, schema = 'public'] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString, max: 10 });
const health = JSON.stringify({ status: 'ok' });
const ITEM = /^\/api\/items\/([0-9a-fA-F-]{36})$/;

function send(res: import('node:http').ServerResponse, status: number, body: string) {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

const server = createServer((req, res) => {
  if (req.url === '/health') return send(res, 200, health);
  const id = ITEM.exec(req.url ?? '')?.[1];
  if (!id) return send(res, 404, '{"error":"not found"}');
  pool
    .query(
      `SELECT id, seq, name, note, done, tags, created_at, updated_at FROM "${schema}".items WHERE id = $1`,
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
        }),
      );
    })
    .catch(() => send(res, 503, '{"error":"database"}'));
});
server.keepAliveTimeout = 72_000;
server.listen(Number(port), '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});

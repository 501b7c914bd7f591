/**
 * The HTML of `GET /`: what runs here, the newest items, and commands to paste into a terminal. No
 * script, no external asset: one inline style block, allowed by its hash in the page's
 * Content-Security-Policy (nothing else may load or run).
 */
import { createHash } from 'node:crypto';
import type { Config } from '../config.ts';
import type { Item } from '../schemas/item.ts';

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

const STYLE = [
  ':root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--code:#f6f8fa;--warn:#9a3412}',
  '@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--code:#151b23;--warn:#fb923c}}',
  'body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);max-width:48rem;margin:2rem auto;padding:0 1rem}',
  'h1{font-size:1.6rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem}',
  'dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0;color:var(--muted)}dt{font-weight:600}dd{margin:0}',
  'table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}th{font-weight:600}',
  'td.when,td.done{white-space:nowrap;color:var(--muted)}.tag{font-size:.85em;color:var(--muted)}',
  'code,pre{font:.875rem/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--code)}code{padding:0 .2rem}',
  'pre{padding:.75rem;overflow-x:auto;border-radius:6px}.warn{color:var(--warn)}nav{margin-top:2rem;color:var(--muted)}',
].join('');

/**
 * The page's Content-Security-Policy: nothing loads, nothing runs; only this inline style applies.
 * @see https://www.w3.org/TR/CSP3/#grammardef-hash-source
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const HOST_HEADER = /^(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9.-]{1,253})(?::\d{1,5})?$/;

/**
 * `scheme://host` as the browser reached the service: the Host header, and the scheme the load
 * balancer saw (X-Forwarded-Proto; the ALB speaks plain HTTP to the task). Only `http`/`https` and a
 * host name, IP address or `[IPv6]`, each with an optional port, are taken: anything else could
 * break out of the HTML or the shell command it is shown in, and is replaced by this service's own
 * address. Shown to the reader only, never used to route or redirect.
 */
export function requestOrigin(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  encrypted: boolean,
  config: Pick<Config, 'port'>,
): string {
  const forwarded = headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  const scheme = first === 'http' || first === 'https' ? first : encrypted ? 'https' : 'http';
  const host = headers.host;
  return `${scheme}://${typeof host === 'string' && HOST_HEADER.test(host) ? host : `localhost:${config.port}`}`;
}

function itemRow(item: Item): string {
  const tags = item.tags.map((tag) => `<span class="tag">${escapeHtml(tag)}</span>`).join(', ');
  const created = escapeHtml(item.createdAt);
  return `<tr><td>${escapeHtml(item.name)}</td><td>${tags}</td><td class="done">${item.done ? '&#10003; done' : ''}</td><td class="when"><time datetime="${created}">${escapeHtml(item.createdAt.slice(0, 16).replace('T', ' '))} UTC</time></td></tr>`;
}

function itemsSection(items: readonly Item[] | undefined): string {
  if (items === undefined)
    return '<p class="warn">The database is unavailable; <a href="/ready">/ready</a> says why.</p>';
  if (items.length === 0) return '<p>No items yet: create one with the first command below.</p>';
  return `<table>
<thead><tr><th scope="col">Name</th><th scope="col">Tags</th><th scope="col">Done</th><th scope="col">Created</th></tr></thead>
<tbody>
${items.map(itemRow).join('\n')}
</tbody>
</table>`;
}

/** Commands to paste: the URL is absolute and single-quoted (`requestOrigin` admits no quote). */
function tryIt(origin: string): string {
  const url = `${origin}/api/items`;
  const lines = [
    `curl -X POST -H 'content-type: application/json' -d '{"name":"first"}' '${url}'`,
    `curl '${url}?limit=10'`,
  ];
  return `<pre><code>${lines.map(escapeHtml).join('\n')}</code></pre>`;
}

/** The whole page. Every value from configuration, the request or the database is escaped. */
export function renderRootPage(
  config: Pick<Config, 'name' | 'version' | 'commit' | 'environment' | 'region'>,
  items: readonly Item[] | undefined,
  origin: string,
): string {
  const region = config.region ? ` &middot; ${escapeHtml(config.region)}` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(config.name)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(config.name)}</h1>
<dl>
<dt>Version</dt><dd>${escapeHtml(config.version)}</dd>
<dt>Commit</dt><dd><code>${escapeHtml(config.commit)}</code></dd>
<dt>Environment</dt><dd>${escapeHtml(config.environment)}${region}</dd>
</dl>
<h2>Recent items</h2>
${itemsSection(items)}
<h2>Try it</h2>
${tryIt(origin)}
<nav><a href="/health">/health</a> &middot; <a href="/ready">/ready</a> &middot; <a href="/info">/info</a> &middot; <a href="/api/items">/api/items</a></nav>
</body>
</html>
`;
}

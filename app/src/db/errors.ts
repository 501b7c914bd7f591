/** Node socket errors that mean "no database right now". */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * SQLSTATEs that mean the database cannot serve the request now, through no fault of the request:
 * class 08 (connection exception), 53 (insufficient resources), 57P01-57P03 (admin shutdown, crash
 * shutdown, cannot connect now; `pg_terminate_backend` raises 57P01), 57014 (statement timeout).
 * Source: PostgreSQL 15 docs, Appendix A "PostgreSQL Error Codes".
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code.startsWith('53') || /^57P0[1-3]$/.test(code) || code === '57014';
}

/** True when an error from `pg` means the database is unreachable or overloaded (answer 503, not 500). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || isUnavailableSqlState(code))) return true;
  // pg reports these without a code.
  return /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Connection closed|the database system is (starting up|shutting down)/i.test(
    error.message,
  );
}

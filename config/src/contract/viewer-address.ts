/*
 * Behind CloudFront the load balancer sees CloudFront's address, not the viewer's, so a listener
 * rule cannot match `source-ip`. CloudFront sends the viewer's address in `CloudFront-Viewer-Address`
 * (`<ip>:<port>`, set by CloudFront, never taken from the viewer), and a rule can match that header
 * with `*` wildcards: a CIDR that ends on an octet boundary is one such pattern.
 */

/** The header CloudFront sets to the viewer's `<ip>:<port>` (origin request policy AllViewerAndCloudFrontHeaders). */
export const VIEWER_ADDRESS_HEADER = 'CloudFront-Viewer-Address';

/** The prefix lengths a single header wildcard can express. */
export const OCTET_PREFIXES = [8, 16, 24, 32] as const;

/**
 * The header pattern matching the viewer addresses of an IPv4 CIDR, e.g. `203.0.113.0/24` →
 * `203.0.113.*`, `198.51.100.7/32` → `198.51.100.7:*`; undefined for a prefix that does not end on
 * an octet (`/28`), which no single pattern expresses.
 */
export function viewerAddressPattern(cidr: string): string | undefined {
  const [address = '', prefixText = ''] = cidr.split('/');
  const prefix = Number(prefixText);
  if (!(OCTET_PREFIXES as readonly number[]).includes(prefix)) return undefined;
  const octets = address.split('.');
  if (prefix === 32) return `${octets.join('.')}:*`;
  return `${octets.slice(0, prefix / 8).join('.')}.*`;
}

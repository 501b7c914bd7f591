/**
 * Container image references as they appear in task definitions:
 * `[registry/]repository[:tag][@sha256:<hex>]`, e.g.
 * `123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:3f2c1ab` or `.../app@sha256:9b…`.
 */
export interface ImageRef {
  /** Registry host, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com`; undefined for Docker Hub short names. */
  registry: string | undefined;
  /** Repository path inside the registry, e.g. `app` or `team/app`. */
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function parseImageRef(image: string): ImageRef | undefined {
  let rest = image.trim();
  if (rest === '') return undefined;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (tag === '') return undefined;
  }
  let registry: string | undefined;
  const firstSlash = rest.indexOf('/');
  if (firstSlash > 0) {
    const first = rest.slice(0, firstSlash);
    // Docker's rule: the first component is a registry host when it has a dot or a port, or is localhost.
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(firstSlash + 1);
    }
  }
  if (rest === '') return undefined;
  return { registry, repository: rest, tag, digest };
}

export function isImageDigest(value: string): boolean {
  return DIGEST.test(value);
}

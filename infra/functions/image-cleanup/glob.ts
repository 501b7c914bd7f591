/** Tag globs: `*` matches any run of characters (including none), `?` exactly one; the rest is literal. */
export function globToRegExp(pattern: string): RegExp {
  const source = pattern
    .split('')
    .map((ch) => {
      if (ch === '*') return '.*';
      if (ch === '?') return '.';
      return ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}

export function tagMatcher(patterns: readonly string[]): (tag: string) => boolean {
  const regexps = patterns.map(globToRegExp);
  return (tag) => regexps.some((re) => re.test(tag));
}

/**
 * Runs `fn` with what it writes to stderr held back: CDK prints "Bundling asset ..." for each
 * Lambda function it bundles, noise in the CLI's output. The held text is printed only when `fn`
 * throws, so a failed bundling still shows why. (esbuild itself runs as a child process that
 * writes to the terminal directly; infra sets its log level to errors only.)
 */
export function holdingStderr<T>(fn: () => T): T {
  const stderr = process.stderr;
  const original = stderr.write;
  const held: string[] = [];
  stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    held.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof stderr.write;
  try {
    return fn();
  } catch (error) {
    stderr.write = original;
    if (held.length > 0) stderr.write(held.join(''));
    throw error;
  } finally {
    stderr.write = original;
  }
}

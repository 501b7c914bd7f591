/** The SDK error's name (`ParameterNotFound`), or empty. */
export const errorName = (e: unknown) => (e as { name?: string })?.name ?? '';
/** One of these error names, or a message saying the thing does not exist. */
export const isNotFound = (e: unknown, ...names: string[]) =>
  names.includes(errorName(e)) || /does not exist|not found/i.test((e as Error)?.message ?? '');

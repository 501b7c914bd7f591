import { InvalidArgumentError } from 'commander';

/**
 * An option value parser that refuses an empty value (`--image=` or `--out ""`, often a shell
 * variable that was not set), which would otherwise be taken as "not given" or fail later.
 */
export function nonEmpty(value: string): string {
  if (value.trim() === '')
    throw new InvalidArgumentError('It is empty; give a value (an unset shell variable?)');
  return value;
}

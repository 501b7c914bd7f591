/**
 * The per-environment release lock's storage: one SSM String parameter whose creation is atomic
 * (PutParameter with Overwrite=false fails with ParameterAlreadyExists when it is there). No table
 * or stack has to exist first, so the very first deploy of an account is locked too.
 */
export interface LockApi {
  /** Creates the parameter with `value` only when it does not exist; false when it already does. */
  create(name: string, value: string): Promise<boolean>;
  /** The parameter's value, or undefined when it does not exist. */
  read(name: string): Promise<string | undefined>;
  /** Deletes the parameter; one that does not exist is not an error. */
  remove(name: string): Promise<void>;
}

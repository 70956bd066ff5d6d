/**
 * A caller passed something the store cannot use: a malformed cursor, an unknown enum value, a date that is not
 * an instant, an impossible page size. The message says which argument and why, so the GraphQL layer can hand
 * it to the client as a BAD_USER_INPUT error; any other error from the store is a fault of ours.
 */
export class StoreInputError extends Error {
  override name = 'StoreInputError';
  /** The argument at fault, as the caller named it (`after`, `filter.lastSeenAfter`…). */
  readonly argument: string;

  constructor(argument: string, message: string) {
    super(`${argument}: ${message}`);
    this.argument = argument;
  }
}

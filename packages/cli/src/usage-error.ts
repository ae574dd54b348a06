/** A problem with the command line or the configuration: one message, exit code 2, nothing changed. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

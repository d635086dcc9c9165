// A usage or configuration problem (bad option, missing credential, invalid DHP_* variable): the CLI prints its
// message and exits 2. Its own module so that env.ts and target.ts can both throw it without importing each other.
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

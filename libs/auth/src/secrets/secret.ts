import { inspect } from 'node:util';

export const REDACTED = '[redacted]';

/**
 * A secret value that does not show itself: JSON, string conversion and util.inspect (and so pino and
 * console) print [redacted]. Only reveal() gives the value, at the place that hands it to a client library.
 */
export class Secret {
  readonly #value: string;

  constructor(
    value: string,
    /** where it came from, for messages: `env NIDUS_DB_PASSWORD`, `file /run/secrets/db`, `config` */
    readonly source: string,
  ) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED} from ${this.source})`;
  }
}

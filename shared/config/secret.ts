import { inspect } from 'node:util';

/**
 * A secret from the environment. It cannot be logged or serialised by accident:
 * String(), JSON.stringify() and util.inspect() all print `[redacted]`; `reveal()` is the one way in.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'Secret([redacted])';
  }
}

// Option parsers shared by the commands.
import { InvalidArgumentError } from 'commander';

export function intOption(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got "${v}"`);
    return n;
  };
}

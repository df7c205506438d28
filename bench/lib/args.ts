/** Command-line flags after the scenario name (`npm run bench -- chaos --quick --scenario kill-app`). */

export function hasFlag(name: string): boolean {
  return process.argv.includes(name);
}

/** The value after `name`, or undefined when the flag is absent. */
export function stringFlag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith("--")) throw new Error(`${name} needs a value`);
  return value;
}

export function numberFlag(name: string, fallback: number): number {
  const text = stringFlag(name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${text}"`);
  return n;
}

/**
 * A small argument parser. node:util's parseArgs refuses option values that start
 * with "-" (`--bias -0.5`), which a numeric CLI needs, so we parse ourselves.
 */
import type { NumberBound } from '#core/bounds';
import { boundText, withinBound } from '#core/bounds';
import { parseDecimal } from '#core/formats/index';
import { CliError } from './errors';

export type OptionKind = 'string' | 'boolean';
export type OptionTable = Readonly<Record<string, OptionKind>>;
export type ParsedOptions = Map<string, string | true>;

/** Parses `--name value`, `--name=value` and boolean `--flag`; no positionals, no repeats. */
export function parseOptions(argv: readonly string[], table: OptionTable, command: string): ParsedOptions {
  const parsed: ParsedOptions = new Map();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--'))
      throw new CliError(`${command}: unexpected argument "${arg}" (options start with --; see --help).`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const kind = table[name];
    if (kind === undefined)
      throw new CliError(`${command}: unknown option --${name} (see kernel-studio --help).`);
    if (parsed.has(name)) throw new CliError(`${command}: --${name} is given twice.`);
    if (kind === 'boolean') {
      if (eq !== -1) throw new CliError(`${command}: --${name} takes no value.`);
      parsed.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || value === '') throw new CliError(`${command}: --${name} needs a value.`);
    parsed.set(name, value);
  }
  return parsed;
}

export function stringOption(options: ParsedOptions, name: string): string | undefined {
  const value = options.get(name);
  return typeof value === 'string' ? value : undefined;
}

/** A finite decimal number (`0.03`, `-1`, `3e-2`; not `0x10`, `1_0` or blank), or a usage error naming the option. */
export function numberOption(options: ParsedOptions, name: string): number | undefined {
  const text = stringOption(options, name);
  if (text === undefined) return undefined;
  const value = parseDecimal(text);
  if (value === undefined || !Number.isFinite(value))
    throw new CliError(
      `--${name}: "${text}" is not a finite number (write it in decimal, e.g. 0.5 or 3e-2).`,
    );
  return value;
}

/**
 * A number inside `bound` (core/bounds.ts, the table the app's fields and the workspace read),
 * in the one decimal grammar (`1e1` is a whole 10), or a usage error naming the option.
 */
export function boundedOption(options: ParsedOptions, name: string, bound: NumberBound): number | undefined {
  const value = numberOption(options, name);
  if (value === undefined) return undefined;
  if (!withinBound(value, bound)) throw new CliError(`--${name}: ${value} must be ${boundText(bound)}.`);
  return value;
}

/** One of a fixed set of words, or a usage error listing them. */
export function choiceOption<T extends string>(
  options: ParsedOptions,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const text = stringOption(options, name);
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text))
    throw new CliError(`--${name}: "${text}" is not one of ${choices.join(', ')}.`);
  return text as T;
}

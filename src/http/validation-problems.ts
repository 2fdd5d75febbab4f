import type { FastifySchemaValidationError } from 'fastify';
import { ID_PATTERN, PRINTABLE_TEXT } from './schemas/common.js';

/** One field's problem in a 400 VALIDATION_FAILED body: the field by name, the problem in words. */
export interface FieldProblem {
  field: string;
  problem: string;
}

/**
 * What each pattern the routes use asks for, in words: a person reads these next to a form
 * field, and a regular expression says nothing to them. A pattern not listed gets the
 * fallback, never its source.
 */
const PATTERN_WORDS = new Map<string, string>([
  [ID_PATTERN, 'is not an id: letters, digits, - and _ only, at most 64'],
  [PRINTABLE_TEXT, 'needs visible text, without control characters or line breaks'],
  ['^[A-Za-z0-9][A-Za-z0-9_-]*$', 'may hold letters, digits, - and _ only, and starts with a letter or digit'],
  ['^[A-Za-z0-9][A-Za-z0-9._-]*$', 'may hold letters, digits, ., - and _ only, and starts with a letter or digit'],
  ['^[A-Za-z]{3}$', 'is a three-letter currency code such as EUR or USD'],
  ['^#[0-9A-Fa-f]{6}$', 'is a colour such as #1a2b3c'],
]);
const PATTERN_FALLBACK = 'has characters or a form that are not allowed here';

/**
 * TypeBox's messages (the validator compiler passes only the message and the path) as words
 * for a person; the first that matches wins, anything else is passed on in lower case.
 */
const WORDINGS: Array<[RegExp, (...groups: string[]) => string]> = [
  [/^Expected string to match '(.*)'$/s, (pattern) => PATTERN_WORDS.get(pattern) ?? PATTERN_FALLBACK],
  [/^Expected string to match regular expression$/, () => PATTERN_FALLBACK],
  [/^Expected required property$/, () => 'is required'],
  [/^Unexpected property$/, () => 'is not a known field'],
  [/^Expected string length greater or equal to (\d+)$/, (n) => `needs at least ${n} characters`],
  [/^Expected string length less or equal to (\d+)$/, (n) => `takes at most ${n} characters`],
  [/^Expected (?:integer|number) to be greater or equal to (.+)$/, (n) => `must be ${n} or more`],
  [/^Expected (?:integer|number) to be less or equal to (.+)$/, (n) => `must be ${n} or less`],
  [/^Expected integer$/, () => 'must be a whole number'],
  [/^Expected union value$/, () => 'is not one of the allowed values'],
  [/^Expected string to match '(.+)' format$/, (format) => `is not a valid ${format}`],
];

function wordsFor(message: string): string {
  for (const [re, words] of WORDINGS) {
    const m = re.exec(message);
    if (m) return words(...m.slice(1));
  }
  return message.toLowerCase();
}

/**
 * Schema validation errors as one problem per field (the first: a missing `kind` is "required",
 * not also "not one of the allowed values"), each naming its field by its dotted path.
 */
export function fieldProblemsOf(errors: readonly FastifySchemaValidationError[]): FieldProblem[] {
  const byField = new Map<string, FieldProblem>();
  for (const v of errors) {
    const field = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
    if (!byField.has(field)) byField.set(field, { field, problem: wordsFor(v.message ?? 'is invalid') });
  }
  return [...byField.values()];
}

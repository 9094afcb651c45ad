const MAX_QUOTED_LENGTH = 80;

/**
 * A received value as short JSON for an error message: `"text"`, cut to 80 characters.
 *
 * @example
 * ```ts
 * throw new InvalidInputError(`tags[0].key: is reserved (received: ${quoteValue(key)})`);
 * ```
 */
function quoteValue(value: string): string {
  const text = JSON.stringify(value);
  return text.length > MAX_QUOTED_LENGTH ? `${text.slice(0, MAX_QUOTED_LENGTH - 1)}…` : text;
}

export { quoteValue };

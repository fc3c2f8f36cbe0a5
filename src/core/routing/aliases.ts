export interface ModelAlias {
  pattern: string;
  replacement: string;
}

interface CompiledAlias {
  regex: RegExp;
  replacement: string;
}

/**
 * `model_aliases`: regexes over the whole selector text, first match wins, `$1`-style captures
 * expand, and the result is not aliased again. Invalid patterns fail at startup.
 */
export class ModelAliases {
  private readonly compiled: CompiledAlias[];

  constructor(aliases: readonly ModelAlias[]) {
    this.compiled = aliases.map((alias, index) => {
      let regex: RegExp;
      try {
        regex = new RegExp(alias.pattern);
      } catch (thrown) {
        throw new Error(`model_aliases[${index}].pattern: invalid regular expression '${alias.pattern}': ${thrown instanceof Error ? thrown.message : String(thrown)}`);
      }
      const groups = new RegExp(`${alias.pattern}|`).exec("")!.length - 1;
      for (const match of alias.replacement.matchAll(/\$(\d+)/g)) {
        if (Number(match[1]) > groups) throw new Error(`model_aliases[${index}].replacement: '$${match[1]}' but the pattern has ${groups} capture group(s)`);
      }
      return { regex, replacement: alias.replacement };
    });
  }

  get size(): number {
    return this.compiled.length;
  }

  apply(selector: string): string {
    for (const alias of this.compiled) {
      if (alias.regex.test(selector)) return selector.replace(alias.regex, alias.replacement);
    }
    return selector;
  }
}

// Warnings about text that Nidus could still read: recorded on the CharacterSet, never thrown (PS3.5 6.1.2).

export abstract class CharacterSetWarning {
  readonly name: string = this.constructor.name;
  constructor(readonly message: string) {}
}

/** A Specific Character Set value that is no defined term: its text is read as ISO 8859-1 (Latin-1) instead. */
export class UnknownCharacterSetWarning extends CharacterSetWarning {
  constructor(readonly term: string) {
    super(`unknown Specific Character Set '${term}': text read as ISO 8859-1 (Latin-1)`);
  }
}

/** A defined term spelt wrongly ('ISO-IR 192', 'UTF-8'), read as the term it plainly means. */
export class MisspeltCharacterSetWarning extends CharacterSetWarning {
  constructor(
    readonly term: string,
    readonly readAs: string,
  ) {
    super(`Specific Character Set '${term}' is not a defined term: read as '${readAs}'`);
  }
}

/** Values that may not be combined (PS3.5 6.1.2.5.4 d: UTF-8, GB18030 and GBK stand alone): the stand-alone one is used. */
export class ConflictingCharacterSetsWarning extends CharacterSetWarning {
  constructor(
    readonly terms: readonly string[],
    readonly used: string,
  ) {
    super(`Specific Character Set '${terms.join('\\')}' combines sets that cannot be combined: read as '${used}'`);
  }
}

/** An ISO 2022 escape sequence that designates no character set Nidus knows: it is skipped. */
export class UnknownEscapeSequenceWarning extends CharacterSetWarning {
  constructor(readonly escape: string) {
    super(`unknown ISO 2022 escape sequence ESC ${Array.from(escape, (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join(' ')}: skipped`);
  }
}

/** Bytes that are not valid in the declared character set: each is read as U+FFFD. */
export class InvalidTextBytesWarning extends CharacterSetWarning {
  constructor(readonly characterSet: string) {
    super(`text holds bytes that are not valid ${characterSet}: read as U+FFFD`);
  }
}

import type { CharacterSet } from './charset/character-set';

/**
 * A text value kept as the bytes it was written in (PS3.5 6.1.2), for copying attributes from a source into a
 * result object unchanged: the writer puts these bytes out as they are, so the copy is exact whatever the set.
 */
export class EncodedText {
  constructor(
    readonly bytes: Uint8Array,
    /** the character set the bytes are in; the data set they go into must declare the same */
    readonly characterSet: CharacterSet,
    readonly vr: string,
  ) {}

  /** The text, decoded by its character set and trimmed of padding. */
  text(): string {
    return trimText(this.characterSet.decode(this.bytes, this.vr), this.vr);
  }
}

/** Without the padding of PS3.5 6.2: trailing NULs and spaces; leading white space too, except in ST, LT and UT where it counts. */
export function trimText(text: string, vr: string): string {
  const trimmed = text.replace(/[\0 ]+$/, '');
  return vr === 'ST' || vr === 'LT' || vr === 'UT' ? trimmed : trimmed.trim();
}

import { matchesKeyPattern, personNameGroupKeys, personNameMatches, personNameQuery } from './person-name-match';

describe(personNameGroupKeys.name, () => {
  it('keys each component group apart', () => {
    expect(personNameGroupKeys('Yamada^Tarou=山田^太郎=やまだ^たろう')).toEqual({
      Alphabetic: 'yamada^tarou',
      Ideographic: '山田^太郎',
      Phonetic: 'やまだ^たろう',
    });
    expect(personNameGroupKeys('=洪^吉洞')).toEqual({ Ideographic: '洪^吉洞' });
    expect(personNameGroupKeys('Trần^Văn Đức^^')).toEqual({ Alphabetic: 'tran^van duc' });
    expect(personNameGroupKeys('')).toEqual({});
  });
});

describe(personNameQuery.name, () => {
  it('asks nothing for empty and universal values', () => {
    expect(personNameQuery('')).toBeUndefined();
    expect(personNameQuery('*')).toBeUndefined();
    expect(personNameQuery('*=*=*')).toBeUndefined();
  });

  it('keeps wild cards and reads groups by position', () => {
    expect(personNameQuery('TRẦN*')).toEqual({ groups: { Alphabetic: 'tran*' }, anyGroup: true });
    expect(personNameQuery('*=山田*')).toEqual({ groups: { Ideographic: '山田*' }, anyGroup: false });
    expect(personNameQuery('Yamada^Tarou^^=山田^太郎=')).toEqual({ groups: { Alphabetic: 'yamada^tarou', Ideographic: '山田^太郎' }, anyGroup: false });
  });
});

describe(matchesKeyPattern.name, () => {
  it('reads * as any run and ? as one character, all else literally', () => {
    expect(matchesKeyPattern('tran^van duc', 'tran*')).toBe(true);
    expect(matchesKeyPattern('tran^van duc', 'tr?n^van duc')).toBe(true);
    expect(matchesKeyPattern('tran^van duc', 'tr?^van duc')).toBe(false);
    expect(matchesKeyPattern('a.b', 'a?b')).toBe(true);
    expect(matchesKeyPattern('axb', 'a.b')).toBe(false);
    expect(matchesKeyPattern('(x)', '(x)')).toBe(true);
  });
});

describe(personNameMatches.name, () => {
  const cases: [string, string, boolean][] = [
    ['Trần^Văn Đức', 'TRAN^VAN DUC', true],
    ['Trần^Văn Đức', 'Trần^Văn Đức', true],
    ['Trần^Văn Đức', 'tran*', true],
    ['Trần^Văn Đức', '*duc', true],
    ['Trần^Văn Đức', 'Tran', false],
    ['Trần^Văn Đức', 'Nguyen*', false],
    ['Иванов^Пётр', 'ИВАНОВ^ПЕТР', true],
    ['Иванов^Пётр', 'иван*', true],
    ['Yamada^Tarou=山田^太郎=やまだ^たろう', '山田^太郎', true],
    ['Yamada^Tarou=山田^太郎=やまだ^たろう', 'やまだ*', true],
    ['Yamada^Tarou=山田^太郎=やまだ^たろう', 'yamada^tarou=山田*', true],
    ['Yamada^Tarou=山田^太郎=やまだ^たろう', 'yamada^tarou=田中*', false],
    ['Yamada^Tarou=山田^太郎=やまだ^たろう', '=山田^太郎', true],
    ['Hong^Gildong=洪^吉洞=홍^길동', '홍^길동', true],
    ['Hong^Gildong=洪^吉洞=홍^길동', '*=*=홍*', true],
    ['Hong^Gildong', '=洪*', false],
    ['Müller^Jürgen', 'MULLER^J?RGEN', true],
  ];
  it.each(cases)('%s against %s: %s', (value, query, expected) => {
    expect(personNameMatches(value, query)).toBe(expected);
  });
});

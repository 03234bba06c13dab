import { parsePersonName, personNameComponents, personNameMatchKey } from './person-name';

describe(parsePersonName.name, () => {
  it('splits the component groups of PS3.5 6.2.1 and drops empty ones', () => {
    expect(parsePersonName('Yamada^Tarou=山田^太郎=やまだ^たろう')).toEqual({
      Alphabetic: 'Yamada^Tarou',
      Ideographic: '山田^太郎',
      Phonetic: 'やまだ^たろう',
    });
    expect(parsePersonName('Wang^XiaoDong=王^小東=')).toEqual({ Alphabetic: 'Wang^XiaoDong', Ideographic: '王^小東' });
    expect(parsePersonName('=洪^吉洞')).toEqual({ Ideographic: '洪^吉洞' });
    expect(parsePersonName('Trần^Văn Đức^^^')).toEqual({ Alphabetic: 'Trần^Văn Đức' });
  });

  it('names the five components', () => {
    expect(personNameComponents('Adams^John Robert Quincy^^Rev.^B.A. M.Div.')).toEqual({
      FamilyName: 'Adams',
      GivenName: 'John Robert Quincy',
      MiddleName: '',
      NamePrefix: 'Rev.',
      NameSuffix: 'B.A. M.Div.',
    });
  });
});

describe(personNameMatchKey.name, () => {
  it('matches names typed without diacritics or case, Vietnamese đ included', () => {
    expect(personNameMatchKey('Trần^Văn Đức')).toBe(personNameMatchKey('TRAN^VAN DUC'));
    expect(personNameMatchKey('Nguyễn^Thị Minh Khai')).toBe('nguyen^thi minh khai');
    expect(personNameMatchKey('Müller^Jürgen')).toBe('muller^jurgen');
    expect(personNameMatchKey('Łukasz^Ørsted')).toBe('lukasz^orsted');
  });

  it('keeps other scripts, with half-width katakana brought to full width', () => {
    expect(personNameMatchKey('ﾔﾏﾀﾞ^ﾀﾛｳ')).toBe(personNameMatchKey('ヤマダ^タロウ'));
    expect(personNameMatchKey('ﾔﾏﾀﾞ')).toBe('ヤマダ');
    expect(personNameMatchKey('ダ')).not.toBe(personNameMatchKey('タ'));
    expect(personNameMatchKey('山田^太郎')).toBe('山田^太郎');
    expect(personNameMatchKey('Петров')).toBe('петров');
    expect(personNameMatchKey('Trần')).not.toBe(personNameMatchKey('Trân^'));
  });
});

// Cross-check with Python's codecs (to make the bytes) and pydicom (to read them): three independent parties agree.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRandom } from '@nidus/testing';
import { EncodedText } from '../encoded-text';
import { readPart10 } from '../part10-reader';
import { writePart10 } from '../part10-writer';
import { generateUid } from '../uid';
import { CharacterSet } from './character-set';

/** How Python writes a name for one Specific Character Set (ISO 2022 sets per component, as PS3.5 Annexes H and I do). */
const ENCODE = `
import sys, json
names = json.loads(sys.argv[1])
def iso2022(text, codec, escape):
    out = b''
    for group_index, group in enumerate(text.split('=')):
        if group_index: out += b'='
        for i, part in enumerate(group.split('^')):
            if i: out += b'^'
            if all(ord(c) < 128 for c in part): out += part.encode('ascii')
            elif codec == 'jp':
                # half-width katakana: JIS X 0201 in G1 (ISO 2022 IR 13); the rest JIS X 0208 after ESC $ B (IR 87)
                out += part.encode('shift_jis') if all(0xff61 <= ord(c) <= 0xff9f for c in part) else part.encode('iso2022_jp')
            else:
                out += escape + part.encode(codec)
    return out
out = []
for term, text in names:
    if term == 'ISO 2022 IR 13\\\\ISO 2022 IR 87': b = iso2022(text, 'jp', b'')
    elif term == '\\\\ISO 2022 IR 149': b = iso2022(text, 'euc_kr', b'\\x1b$)C')
    else: b = text.encode({'ISO_IR 192': 'utf-8', 'ISO_IR 144': 'iso8859_5', 'ISO_IR 126': 'iso8859_7', 'ISO_IR 138': 'iso8859_8',
        'ISO_IR 127': 'iso8859_6', 'ISO_IR 166': 'tis_620', 'ISO_IR 100': 'latin_1', 'ISO_IR 101': 'iso8859_2', 'ISO_IR 148': 'iso8859_9',
        'ISO_IR 203': 'iso8859_15', 'GB18030': 'gb18030', 'GBK': 'gbk'}[term])
    out.append(b.hex())
print(json.dumps(out))
`;

const DECODE = `
import sys, json, pydicom
out = []
for path in sys.argv[1:]:
    ds = pydicom.dcmread(path)
    out.append({'PatientName': str(ds.PatientName), 'InstitutionName': str(ds.InstitutionName)})
print(json.dumps(out))
`;

function pick(random: SeededRandom, parts: readonly string[], n: number, join = ''): string {
  return Array.from({ length: n }, () => random.pick(parts)).join(join);
}

function letters(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i));
}

/** Names in each set, from the set's own letters, seeded so that failures reproduce. */
function namesFor(random: SeededRandom): [term: string, name: string][] {
  const vietnameseFamily = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
  const vietnameseGiven = ['Văn', 'Thị', 'Đức', 'Minh', 'Hương', 'Quang', 'Ngọc', 'Ánh', 'Thủy', 'Khải', 'Phúc', 'Nhật', 'Hiếu', 'Dũng', 'Yến', 'Tường'];
  // Debian's pydicom 2.3 splits PN at '=' and '^' bytes before decoding, so it misreads JIS X 0208 characters whose
  // second byte is 03/13, 05/12 or 05/14 (本, そ, ぼ, ま): those are left out here and tested in character-set.spec.ts
  const kanji = [...'山田太郎佐藤鈴木高橋田中渡辺伊藤中村小林加藤吉田松井上木村林清水'];
  const hiragana = letters(0x3042, 0x3093).filter((c) => !'そぼま'.includes(c));
  const halfWidth = letters(0xff66, 0xff9d);
  const hangul = [
    ...'김이박최정강조윤장임한오서신권황안송류홍전고문양손배백허남심노하곽성차주우구민유나진지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부가복태목형피두감음빈동온호범좌팽승간상갈단견당',
  ];
  const hanzi = [
    ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
  ];
  const vn = () => `${random.pick(vietnameseFamily)}^${pick(random, vietnameseGiven, 1 + Math.floor(random.next() * 2), ' ')}`;
  const word = (alphabet: string[]) => pick(random, alphabet, 3 + Math.floor(random.next() * 6));
  const out: [string, string][] = [];
  for (let i = 0; i < 6; i++) {
    out.push(['ISO_IR 192', vn()]);
    out.push(['ISO_IR 144', `${word(letters(0x0410, 0x042f))}^${word(letters(0x0430, 0x044f))}`]);
    out.push(['ISO_IR 126', `${word(letters(0x0391, 0x03a1))}^${word(letters(0x03b1, 0x03c9))}`]);
    out.push(['ISO_IR 138', `${word(letters(0x05d0, 0x05ea))}^${word(letters(0x05d0, 0x05ea))}`]);
    out.push(['ISO_IR 127', `${word(letters(0x0621, 0x063a))}^${word(letters(0x0641, 0x064a))}`]);
    out.push(['ISO_IR 166', `${word(letters(0x0e01, 0x0e2e))}^${word(letters(0x0e01, 0x0e2e))}`]);
    out.push(['ISO_IR 148', `${word([...'ÇĞİÖŞÜçğıöşü'])}^${word(letters(0x61, 0x7a))}`]);
    out.push(['ISO_IR 203', `${word([...'ŠšŽžŒœŸ€àé'])}^${word(letters(0x61, 0x7a))}`]);
    out.push([
      'ISO 2022 IR 13\\ISO 2022 IR 87',
      `${word(halfWidth)}^${word(halfWidth)}=${pick(random, kanji, 2)}^${pick(random, kanji, 2)}=${word(hiragana)}^${word(hiragana)}`,
    ]);
    out.push(['\\ISO 2022 IR 149', `Kim^Minsu=${pick(random, hangul, 1)}^${pick(random, hangul, 2)}`]);
    out.push(['GB18030', `Wang^Xiao=${pick(random, hanzi, 1)}^${pick(random, hanzi, 2)}`]);
    out.push(['GB18030', vn()]); // Vietnamese letters are four-byte sequences in GB18030
    out.push(['GBK', `Li^Wei=${pick(random, hanzi, 1)}^${pick(random, hanzi, 2)}`]);
  }
  return out;
}

describe(`${CharacterSet.name} against Python and pydicom`, () => {
  it('reads names that Python encodes in each set as pydicom reads them, and as they were written', () => {
    const names = namesFor(new SeededRandom(20240514));
    const r = spawnSync('/usr/bin/python3', ['-c', ENCODE, JSON.stringify(names)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const encoded = (JSON.parse(r.stdout) as string[]).map((hex) => Buffer.from(hex, 'hex'));
    const files = names.map(([term], i) => {
      const cs = CharacterSet.of(term);
      return writePart10({
        SOPClassUID: '1.2.840.10008.5.1.4.1.1.7',
        SOPInstanceUID: generateUid(),
        SpecificCharacterSet: term,
        PatientName: new EncodedText(encoded[i], cs, 'PN'),
        InstitutionName: new EncodedText(encoded[i], cs, 'LO'),
      });
    });
    const dir = mkdtempSync(join(tmpdir(), 'nidus-charset-'));
    let theirs: { PatientName: string; InstitutionName: string }[];
    try {
      const paths = files.map((bytes, i) => {
        const path = join(dir, `${i}.dcm`);
        writeFileSync(path, bytes);
        return path;
      });
      const decoded = spawnSync('/usr/bin/python3', ['-W', 'ignore', '-c', DECODE, ...paths], { encoding: 'utf8' });
      if (decoded.status !== 0) throw new Error(decoded.stderr);
      theirs = JSON.parse(decoded.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    names.forEach(([term, name], i) => {
      const ours = readPart10(files[i]);
      // Debian's pydicom 2.3 predates ISO_IR 203 (Latin-9) and reads it as Latin-1: there only Python's codec speaks
      const pydicomKnows = term !== 'ISO_IR 203';
      expect({ term, ours: ours.string('PatientName'), pydicom: pydicomKnows ? theirs[i].PatientName : name }).toEqual({ term, ours: name, pydicom: name });
      if (pydicomKnows && !term.includes('2022')) expect({ term, lo: ours.string('InstitutionName') }).toEqual({ term, lo: theirs[i].InstitutionName });
      expect(ours.characterSet.warnings).toEqual([]);
    });
  });
});

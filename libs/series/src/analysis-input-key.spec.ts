import { analysisInputKey } from './series-completion';

describe(analysisInputKey.name, () => {
  it('is the same for the same images in any order, and new for a revision (an unreadable image replaced)', () => {
    const key = analysisInputKey('ctp@1', ['1.2.3', '1.2.4']);
    expect(analysisInputKey('ctp@1', ['1.2.4', '1.2.3'])).toBe(key);
    expect(analysisInputKey('ctp@1', ['1.2.4', '1.2.3'], 0)).toBe(key);
    const revised = analysisInputKey('ctp@1', ['1.2.3', '1.2.4'], 1);
    expect(revised).not.toBe(key);
    expect(analysisInputKey('ctp@1', ['1.2.3', '1.2.4'], 2)).not.toBe(revised);
  });
});

import { ensureError, thrownMessage, ThrownValueError } from './thrown-value';

describe(thrownMessage.name, () => {
  it('reads a message out of whatever libraries throw', () => {
    expect(thrownMessage(new RangeError('bad length'))).toBe('bad length');
    expect(thrownMessage('dicomParser.readFixedString: attempt to read past end of buffer')).toBe(
      'dicomParser.readFixedString: attempt to read past end of buffer',
    );
    expect(thrownMessage(5242880)).toBe('aborted with code 5242880');
    expect(thrownMessage({ exception: 'dicomParser:parseDicomDataSetExplicit: buffer overrun', dataSet: {} })).toBe(
      'dicomParser:parseDicomDataSetExplicit: buffer overrun',
    );
    expect(thrownMessage({ message: 'from an object' })).toBe('from an object');
    expect(thrownMessage({ code: 7 })).toBe('{"code":7}');
    expect(thrownMessage(undefined)).toBe('threw undefined');
  });
});

describe(ensureError.name, () => {
  it('keeps Errors and turns anything else into a ThrownValueError with the value as cause', () => {
    const error = new TypeError('x');
    expect(ensureError(error)).toBe(error);
    const wrapped = ensureError('a string');
    expect(wrapped).toBeInstanceOf(ThrownValueError);
    expect(wrapped.name).toBe('ThrownValueError');
    expect(wrapped.message).toBe('a string');
    expect(wrapped.stack).toContain('ThrownValueError');
    expect((wrapped as Error & { cause: unknown }).cause).toBe('a string');
  });
});

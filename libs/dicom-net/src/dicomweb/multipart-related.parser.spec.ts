import { randomBytes } from 'node:crypto';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { boundaryOf, contentTypeParameter, MultipartError, MultipartRelatedParser, PartHeaders } from './multipart-related.parser';

interface Collected {
  headers: PartHeaders;
  body: Buffer;
}

function collector(): { parts: Collected[]; parser: (boundary: string, limits?: object) => MultipartRelatedParser } {
  const parts: Collected[] = [];
  return {
    parts,
    parser: (boundary, limits) =>
      new MultipartRelatedParser(
        boundary,
        {
          part: (headers) => {
            const chunks: Buffer[] = [];
            const entry = { headers, body: Buffer.alloc(0) };
            parts.push(entry);
            return {
              stream: new Writable({
                write(chunk, _e, cb) {
                  chunks.push(chunk);
                  cb();
                },
              }),
              done: async () => {
                entry.body = Buffer.concat(chunks);
              },
              abort: async () => undefined,
            };
          },
        },
        limits,
      ),
  };
}

function chunked(body: Buffer, sizes: () => number): Readable {
  const pieces: Buffer[] = [];
  for (let o = 0; o < body.length;) {
    const n = Math.max(1, sizes());
    pieces.push(body.subarray(o, o + n));
    o += n;
  }
  return Readable.from(pieces);
}

function multipart(boundary: string, bodies: Buffer[], options: { preamble?: string; epilogue?: string; padding?: string } = {}): Buffer {
  const out: Buffer[] = [];
  if (options.preamble) out.push(Buffer.from(options.preamble + '\r\n'));
  for (const [i, b] of bodies.entries()) {
    out.push(Buffer.from(`--${boundary}${options.padding ?? ''}\r\nContent-Type: application/dicom\r\nContent-Location: part${i}\r\n\r\n`));
    out.push(b);
    out.push(Buffer.from('\r\n'));
  }
  out.push(Buffer.from(`--${boundary}--${options.epilogue ? '\r\n' + options.epilogue : ''}`));
  return Buffer.concat(out);
}

describe(MultipartRelatedParser.name, () => {
  const boundary = 'nidus-boundary-0123';
  // bodies that contain near-misses of the delimiter, CRLFs and a boundary without its leading CRLF
  const bodies = [
    randomBytes(100_000),
    Buffer.from(`\r\n--${boundary.slice(0, -1)}x\r\n--\r\n`),
    Buffer.alloc(0),
    Buffer.concat([Buffer.from(`--${boundary}`), randomBytes(5000)]),
  ];

  it.each([1, 3, 17, 4096, 65536, 1 << 20])('splits parts exactly whatever the chunking (%i-byte chunks)', async (size) => {
    // byte-sized chunks on a 6 kB first part: every delimiter still falls across chunk edges, at a tenth of the stream calls
    const sent = size < 17 ? [bodies[0].subarray(0, 6000), ...bodies.slice(1)] : bodies;
    const { parts, parser } = collector();
    const p = parser(boundary);
    await pipeline(
      chunked(multipart(boundary, sent, { preamble: 'ignored preamble', epilogue: 'ignored epilogue' }), () => size),
      p,
    );
    expect(parts.map((x) => x.body.toString('hex'))).toEqual(sent.map((b) => b.toString('hex')));
    expect(parts.map((x) => x.headers)).toEqual(sent.map((_, i) => ({ 'content-type': 'application/dicom', 'content-location': `part${i}` })));
    expect(p.partCount).toBe(4);
  });

  it('splits parts exactly with random chunk sizes and transport padding', async () => {
    for (let run = 0; run < 20; run++) {
      const { parts, parser } = collector();
      await pipeline(
        chunked(multipart(boundary, bodies, { padding: ' \t ' }), () => Math.floor(Math.random() * 300)),
        parser(boundary),
      );
      expect(parts.map((x) => x.body.equals(bodies[parts.indexOf(x)]))).toEqual([true, true, true, true]);
    }
  });

  it('refuses a body without its closing boundary, with no parts, or with broken headers', async () => {
    const cut = multipart(boundary, bodies).subarray(0, 50_000);
    await expect(pipeline(Readable.from([cut]), collector().parser(boundary))).rejects.toThrow(/ends before the closing boundary/);
    await expect(pipeline(Readable.from([Buffer.from(`--${boundary}--`)]), collector().parser(boundary))).rejects.toThrow(/no parts/);
    await expect(pipeline(Readable.from([Buffer.from('no boundary here')]), collector().parser(boundary))).rejects.toThrow(/no multipart boundary/);
    await expect(
      pipeline(Readable.from([Buffer.from(`--${boundary}\r\nbroken header line\r\n\r\nx\r\n--${boundary}--`)]), collector().parser(boundary)),
    ).rejects.toBeInstanceOf(MultipartError);
  });

  it('stops at the part size and part count limits', async () => {
    await expect(pipeline(Readable.from([multipart(boundary, bodies)]), collector().parser(boundary, { maxPartBytes: 50_000 }))).rejects.toMatchObject({
      kind: 'too-large',
    });
    await expect(pipeline(Readable.from([multipart(boundary, bodies)]), collector().parser(boundary, { maxParts: 2 }))).rejects.toMatchObject({
      kind: 'too-large',
    });
  });

  it("bounds the size and the number of a part's header fields, however the bytes come", async () => {
    const withHeaders = (fields: string[]) => Buffer.from(`--${boundary}\r\n${fields.join('\r\n')}\r\n\r\nx\r\n--${boundary}--`);
    const long = withHeaders(['Content-Type: application/dicom', `X-Filler: ${'a'.repeat(20_000)}`]);
    // whole in one chunk (the end of the headers is in sight) and a byte at a time
    await expect(pipeline(Readable.from([long]), collector().parser(boundary))).rejects.toMatchObject({
      kind: 'too-large',
      message: /longer than 16384 bytes/,
    });
    await expect(
      pipeline(
        chunked(long, () => 1),
        collector().parser(boundary),
      ),
    ).rejects.toMatchObject({ kind: 'too-large' });
    const many = withHeaders(Array.from({ length: 33 }, (_, i) => `X-${i}: v`));
    await expect(pipeline(Readable.from([many]), collector().parser(boundary))).rejects.toMatchObject({
      kind: 'too-large',
      message: /33 header fields; at most 32/,
    });
    // at the bounds: accepted
    const c = collector();
    await pipeline(Readable.from([withHeaders(Array.from({ length: 32 }, (_, i) => `X-${i}: ${'v'.repeat(400)}`))]), c.parser(boundary));
    expect(Object.keys(c.parts[0].headers)).toHaveLength(32);
  });

  it('holds the request back while a part sink is slow (backpressure), in bounded memory', async () => {
    const source = new PassThrough();
    let written = 0;
    const slow = new MultipartRelatedParser(boundary, {
      part: () => ({
        stream: new Writable({
          highWaterMark: 1024,
          write(chunk, _e, cb) {
            written += chunk.length;
            setTimeout(cb, 1);
          },
        }),
        done: async () => undefined,
        abort: async () => undefined,
      }),
    });
    const done = pipeline(source, slow);
    const body = multipart(boundary, [randomBytes(2_000_000)]);
    let pushedBeforeFull = 0;
    for (let o = 0; o < body.length; o += 65536) {
      if (!source.write(body.subarray(o, o + 65536))) break;
      pushedBeforeFull += 65536;
    }
    // the source filled up long before the 2 MB were taken
    expect(pushedBeforeFull).toBeLessThan(1_000_000);
    source.end(body.subarray(pushedBeforeFull + 65536));
    await done;
    expect(written).toBe(2_000_000);
  });

  it('reads boundary and type parameters', () => {
    expect(boundaryOf('multipart/related; type="application/dicom"; boundary="a b:c"')).toBe('a b:c');
    expect(boundaryOf('multipart/related;boundary=xyz;type=application/dicom')).toBe('xyz');
    expect(contentTypeParameter('multipart/related; type="application/dicom"; boundary=x', 'type')).toBe('application/dicom');
    expect(boundaryOf('application/dicom')).toBeUndefined();
  });
});

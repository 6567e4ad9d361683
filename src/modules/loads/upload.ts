import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { BULK_FILES } from './files.js';
import { headerProblems } from './source.js';

/** A request the loads route refuses, with its HTTP status and a code clients can act on. */
export class UploadError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Upload {
  /** The bulk files received, by name. */
  files: { name: string; bytes: number }[];
  bytes: number;
  /** SHA-256 over the files' names and bytes (in name order): equal for equal content. */
  contentHash: string;
}

const FILE_NAMES = new Set<string>(BULK_FILES.map((file) => file.file));

/**
 * Streams a `multipart/form-data` body to `folder`, one file per part named as the bulk file
 * (`organisations.csv`…): never held in memory. Refuses (UploadError) a body over `maxBytes`
 * (413), a part with an unknown or repeated name, no file at all, an empty file, bytes that are
 * not UTF-8, a header row that is not the file's columns (400). On refusal the folder is left
 * for the caller to remove.
 */
export async function receiveUpload(request: Request, folder: string, maxBytes: number): Promise<Upload> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes)
    throw new UploadError(413, 'PAYLOAD_TOO_LARGE', `the body is ${declared} bytes; loads are limited to ${maxBytes} bytes: split the files`);
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) {
    throw new UploadError(
      400,
      'BAD_REQUEST',
      'send the files as multipart/form-data, one part per file named as the file (e.g. -F organisations.csv=@organisations.csv)',
    );
  }
  let parser: busboy.Busboy;
  try {
    // busboy says `partsLimit` once the count *reaches* `parts` (and `filesLimit` only when one
    // more file than `files` begins): one part more than the bulk files, so that all five pass and
    // the event means "too many".
    parser = busboy({ headers: { 'content-type': contentType }, limits: { files: BULK_FILES.length, fields: 0, parts: BULK_FILES.length + 1 } });
  } catch (error) {
    throw new UploadError(400, 'BAD_REQUEST', `malformed multipart body: ${(error as Error).message}`);
  }
  if (!request.body) throw new UploadError(400, 'BAD_REQUEST', 'the request has no body: send the bulk files as parts');

  await fs.mkdir(folder, { recursive: true });
  const files: { name: string; bytes: number; hash: string }[] = [];
  const writes: Promise<void>[] = [];
  let failure: UploadError | undefined;
  const fail = (error: UploadError) => {
    failure ??= error;
  };
  let total = 0;

  parser.on('file', (name, stream, info) => {
    if (failure || !FILE_NAMES.has(name) || files.some((file) => file.name === name)) {
      if (!failure) {
        fail(
          FILE_NAMES.has(name)
            ? new UploadError(400, 'BAD_REQUEST', `the part ${name} appears twice: send each file once`)
            : new UploadError(400, 'BAD_REQUEST', `unknown part "${name.slice(0, 60)}": parts are named ${[...FILE_NAMES].join(', ')}`),
        );
      }
      stream.resume();
      return;
    }
    void info;
    const entry = { name, bytes: 0, hash: '' };
    files.push(entry);
    const hash = createHash('sha256');
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let head = '';
    const check = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        entry.bytes += chunk.length;
        hash.update(chunk);
        try {
          const text = decoder.decode(chunk, { stream: true });
          if (head.length < 10_000 && !head.includes('\n')) head += text;
        } catch {
          done(new UploadError(400, 'BAD_REQUEST', `${name} is not UTF-8 text: save it as UTF-8 CSV`));
          return;
        }
        done(null, chunk);
      },
      flush(done) {
        try {
          decoder.decode();
        } catch {
          done(new UploadError(400, 'BAD_REQUEST', `${name} is not UTF-8 text: save it as UTF-8 CSV`));
          return;
        }
        if (entry.bytes === 0) {
          done(new UploadError(400, 'BAD_REQUEST', `${name} is empty: a header row is required`));
          return;
        }
        const spec = BULK_FILES.find((file) => file.file === name)!;
        const header = head
          .replace(/^\uFEFF/, '')
          .split(/\r?\n/)[0]
          .split(',')
          .map((column) => column.trim().replace(/^"|"$/g, ''));
        const problems = headerProblems(header, spec);
        if (problems.length) {
          done(new UploadError(400, 'BAD_REQUEST', `${name} is not a ${name} file: ${problems.map((p) => `${p.column}: ${p.reason}`).join('; ')}`));
          return;
        }
        entry.hash = hash.digest('hex');
        done();
      },
    });
    writes.push(
      pipeline(stream, check, createWriteStream(path.join(folder, name))).catch((error: unknown) => {
        fail(error instanceof UploadError ? error : new UploadError(400, 'BAD_REQUEST', `${name} could not be read: ${(error as Error).message}`));
      }),
    );
  });
  parser.on('field', (name) =>
    fail(new UploadError(400, 'BAD_REQUEST', `unknown field "${name.slice(0, 60)}": send only file parts named ${[...FILE_NAMES].join(', ')}`)),
  );
  parser.on('partsLimit', () => fail(new UploadError(400, 'BAD_REQUEST', `more than ${BULK_FILES.length} parts: send at most one part per bulk file`)));
  parser.on('filesLimit', () => fail(new UploadError(400, 'BAD_REQUEST', `at most ${BULK_FILES.length} files, one per bulk file`)));

  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      if (total > maxBytes) done(new UploadError(413, 'PAYLOAD_TOO_LARGE', `the body exceeds ${maxBytes} bytes, the limit of a load: split the files`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.from(request.body as unknown as AsyncIterable<Uint8Array>), counter, parser);
  } catch (error) {
    if (error instanceof UploadError) fail(error);
    else if (files.length === 0)
      fail(new UploadError(400, 'BAD_REQUEST', `no file received (${(error as Error).message}): send at least one of ${[...FILE_NAMES].join(', ')} as a part`));
    else fail(new UploadError(400, 'BAD_REQUEST', `malformed multipart body: ${(error as Error).message}`));
  }
  await Promise.allSettled(writes);
  if (failure) throw failure;
  if (files.length === 0) throw new UploadError(400, 'BAD_REQUEST', `no file received: send at least one of ${[...FILE_NAMES].join(', ')} as a part`);
  const contentHash = createHash('sha256');
  for (const file of [...files].sort((a, b) => (a.name < b.name ? -1 : 1))) contentHash.update(`${file.name}\n${file.hash}\n`);
  return { files: files.map(({ name, bytes }) => ({ name, bytes })), bytes: total, contentHash: contentHash.digest('hex') };
}

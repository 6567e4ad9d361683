import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { RestError } from '../../common/rest.js';
import { BULK_FILES } from '../rows/files.js';
import { headerProblems, readHeaderLine } from '../rows/source.js';

/** A request the loads route refuses, with its HTTP status and a code clients can act on. */
export class UploadError extends RestError {
  constructor(status: number, code: string, message: string) {
    // A body too large is not read to its end: the connection closes after the answer.
    super(status, code, message, status === 413 ? { connection: 'close' } : {});
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
const PART_NAMES = [...FILE_NAMES].join(', ');
const badRequest = (message: string) => new UploadError(400, 'BAD_REQUEST', message);

/** One file being received: its name, bytes so far and, once whole, the hash of its bytes. */
interface Received {
  name: string;
  bytes: number;
  hash: string;
}

/**
 * Streams a `multipart/form-data` body to `folder`, one file per part named as the bulk file
 * (`organisations.csv`…): never held in memory. Refuses (UploadError) a body over `maxBytes`
 * (413), a part with an unknown or repeated name, no file at all, an empty file, bytes that are
 * not UTF-8, a header row that is not the file's columns (400). On refusal the folder is left
 * for the caller to remove.
 */
export async function receiveUpload(request: Request, folder: string, maxBytes: number): Promise<Upload> {
  const parser = multipartParser(request, maxBytes);
  await fs.mkdir(folder, { recursive: true });
  const files: Received[] = [];
  const writes: Promise<void>[] = [];
  let failure: UploadError | undefined;
  const fail = (error: UploadError) => {
    failure ??= error;
  };
  parser.on('file', (name, stream) => {
    const refusal = failure ? undefined : partRefusal(name, files);
    if (failure || refusal) {
      if (refusal) fail(refusal);
      stream.resume();
      return;
    }
    const entry: Received = { name, bytes: 0, hash: '' };
    files.push(entry);
    writes.push(
      pipeline(stream, checkedFile(entry), createWriteStream(path.join(folder, name))).catch((error: unknown) => {
        fail(error instanceof UploadError ? error : badRequest(`${name} could not be read: ${(error as Error).message}`));
      }),
    );
  });
  // A form field is refused, never ignored: `-F dryRun=true` must not apply the load for real.
  parser.on('field', (name) => fail(fieldRefusal(name)));
  parser.on('fieldsLimit', () => fail(fieldRefusal(null)));
  parser.on('partsLimit', () => fail(badRequest(`more than ${BULK_FILES.length} parts: send at most one part per bulk file`)));
  parser.on('filesLimit', () => fail(badRequest(`at most ${BULK_FILES.length} files, one per bulk file`)));
  const total = { bytes: 0 };
  try {
    await pipeline(Readable.from(request.body as unknown as AsyncIterable<Uint8Array>), byteLimit(total, maxBytes), parser);
  } catch (error) {
    if (error instanceof UploadError) fail(error);
    else if (files.length === 0) fail(badRequest(`no file received (${(error as Error).message}): send at least one of ${PART_NAMES} as a part`));
    else fail(badRequest(`malformed multipart body: ${(error as Error).message}`));
  }
  await Promise.allSettled(writes);
  if (failure) throw failure;
  if (files.length === 0) throw badRequest(`no file received: send at least one of ${PART_NAMES} as a part`);
  return { files: files.map(({ name, bytes }) => ({ name, bytes })), bytes: total.bytes, contentHash: contentHash(files) };
}

/** The busboy parser of the request's body; refuses a body declared too large, not multipart, or absent. */
function multipartParser(request: Request, maxBytes: number): busboy.Busboy {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes)
    throw new UploadError(413, 'PAYLOAD_TOO_LARGE', `the body is ${declared} bytes; loads are limited to ${maxBytes} bytes: split the files`);
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) {
    throw badRequest('send the files as multipart/form-data, one part per file named as the file (e.g. -F organisations.csv=@organisations.csv)');
  }
  let parser: busboy.Busboy;
  try {
    // busboy says `partsLimit` once the count *reaches* `parts` (and `filesLimit` only when one
    // more file than `files` begins): one part more than the bulk files, so that all five pass and
    // the event means "too many".
    // One field is let through to be named in the refusal (`field`); a second one is `fieldsLimit`.
    parser = busboy({ headers: { 'content-type': contentType }, limits: { files: BULK_FILES.length, fields: 1, parts: BULK_FILES.length + 1 } });
  } catch (error) {
    throw badRequest(`malformed multipart body: ${(error as Error).message}`);
  }
  if (!request.body) throw badRequest('the request has no body: send the bulk files as parts');
  return parser;
}

/** The refusal of a form field (a part without a file name), named when known. */
function fieldRefusal(name: string | null): UploadError {
  const what = name === null ? 'a form field' : `"${name.slice(0, 60)}" as a form field`;
  const hint = name === 'dryRun' ? ' (a dry run is asked in the URL: ?dryRun=true)' : '';
  return badRequest(`the body has ${what}${hint}: send only files, as parts named ${PART_NAMES} (curl -F observations.csv=@observations.csv)`);
}

/** Why a part is refused: an unknown name, or a file sent twice; undefined when it is taken. */
function partRefusal(name: string, files: readonly Received[]): UploadError | undefined {
  if (!FILE_NAMES.has(name)) return badRequest(`unknown part "${name.slice(0, 60)}": parts are named ${PART_NAMES}`);
  if (files.some((file) => file.name === name)) return badRequest(`the part ${name} appears twice: send each file once`);
  return undefined;
}

/** Counts the body's bytes (into `total`), refusing it past `maxBytes`. */
function byteLimit(total: { bytes: number }, maxBytes: number): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total.bytes += chunk.length;
      if (total.bytes > maxBytes) done(new UploadError(413, 'PAYLOAD_TOO_LARGE', `the body exceeds ${maxBytes} bytes, the limit of a load: split the files`));
      else done(null, chunk);
    },
  });
}

/**
 * Passes one file's bytes through, counting and hashing them (into `entry`), and refuses bytes
 * that are not UTF-8, an empty file, or a header row that is not the file's columns.
 */
function checkedFile(entry: Received): Transform {
  const { name } = entry;
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const notUtf8 = () => badRequest(`${name} is not UTF-8 text: save it as UTF-8 CSV`);
  let head = '';
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      entry.bytes += chunk.length;
      hash.update(chunk);
      try {
        const text = decoder.decode(chunk, { stream: true });
        if (head.length < 10_000 && !head.includes('\n')) head += text;
      } catch {
        done(notUtf8());
        return;
      }
      done(null, chunk);
    },
    flush(done) {
      try {
        decoder.decode();
      } catch {
        done(notUtf8());
        return;
      }
      if (entry.bytes === 0) {
        done(badRequest(`${name} is empty: a header row is required`));
        return;
      }
      const header = readHeaderLine(head);
      const spec = BULK_FILES.find((file) => file.file === name)!;
      const problems = header ? headerProblems(header, spec) : [{ column: '*', reason: 'the first line is not a CSV header row' }];
      if (problems.length) {
        done(badRequest(`${name} is not a ${name} file: ${problems.map((p) => `${p.column}: ${p.reason}`).join('; ')}`));
        return;
      }
      entry.hash = hash.digest('hex');
      done();
    },
  });
}

/** SHA-256 over the files' names and hashes, in name order. */
function contentHash(files: readonly Received[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => (a.name < b.name ? -1 : 1))) hash.update(`${file.name}\n${file.hash}\n`);
  return hash.digest('hex');
}

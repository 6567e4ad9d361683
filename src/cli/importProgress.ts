import cliProgress from 'cli-progress';
import type { StageProgress } from '../services/import/stageFile.js';

/** Shows a load's progress: a bar with rows/s on a terminal, a plain line every few seconds otherwise. */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  let bar: cliProgress.SingleBar | undefined;
  let currentFile = '';
  let lastLine = 0;
  const rate = (rows: number) => Math.round(rows / Math.max((Date.now() - started) / 1000, 0.001));

  return {
    progress(progress: StageProgress) {
      if (stream.isTTY) {
        if (progress.file !== currentFile) {
          bar?.stop();
          currentFile = progress.file;
          bar = new cliProgress.SingleBar(
            { format: `${progress.file.padEnd(18)} {bar} {percentage}% | {rows} rows | {rate} rows/s`, stream, hideCursor: true },
            cliProgress.Presets.shades_classic,
          );
          bar.start(progress.totalBytes, 0, { rows: 0, rate: 0 });
        }
        bar?.update(progress.bytes, { rows: progress.rows, rate: rate(progress.rows) });
        return;
      }
      if (progress.file !== currentFile || Date.now() - lastLine > 5000 || progress.bytes === progress.totalBytes) {
        currentFile = progress.file;
        lastLine = Date.now();
        const percent = progress.totalBytes ? Math.round((100 * progress.bytes) / progress.totalBytes) : 100;
        stream.write(`${progress.file}: ${progress.rows} rows read (${percent}%)\n`);
      }
    },
    phase(name: string) {
      bar?.stop();
      bar = undefined;
      currentFile = '';
      stream.write(`${name}…\n`);
    },
    stop() {
      bar?.stop();
    },
  };
}

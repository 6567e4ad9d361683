import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * Files the embeds serve as they are: the iframe page's CSS and script, the landing page's CSS,
 * and the repository's README and schema.graphql. Read once, kept in memory.
 */
const FILES = {
  'frame.css': { url: new URL('./assets/frame.css', import.meta.url), type: 'text/css; charset=utf-8' },
  'frame.js': { url: new URL('./assets/frame.js', import.meta.url), type: 'text/javascript; charset=utf-8' },
  'landing.css': { url: new URL('./assets/landing.css', import.meta.url), type: 'text/css; charset=utf-8' },
  'favicon.svg': { url: new URL('./assets/favicon.svg', import.meta.url), type: 'image/svg+xml' },
  readme: { url: new URL('../../../README.md', import.meta.url), type: 'text/plain; charset=utf-8' },
  schema: { url: new URL('../../../schema.graphql', import.meta.url), type: 'text/plain; charset=utf-8' },
} as const;

export type FileName = keyof typeof FILES;

const contents = new Map<FileName, Promise<string>>();

/** A served file's text and content type. */
export async function servedFile(name: FileName): Promise<{ text: string; type: string }> {
  const file = FILES[name];
  let text = contents.get(name);
  if (!text) {
    text = fs.readFile(fileURLToPath(file.url), 'utf8');
    text.catch(() => contents.delete(name));
    contents.set(name, text);
  }
  return { text: await text, type: file.type };
}

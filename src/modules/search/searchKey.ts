/**
 * The form names are stored and searched in: lower case, ё folded to е, runs of spaces and
 * punctuation collapsed to one space. Computed in the application so search does not depend
 * on the database's locale.
 */
export function searchKey(name: string): string {
  return name
    .toLowerCase()
    .replaceAll('ё', 'е')
    .replace(/[\s"«»().,;:!?/\\-]+/g, ' ')
    .trim();
}

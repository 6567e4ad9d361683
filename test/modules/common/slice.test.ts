import { describe, expect, it } from 'vitest';
import { DEFAULT_SLICE_SIZE, decodeCursor, encodeCursor, MAX_SLICE_SIZE, sliceArgs, sliceRange } from '../../../src/modules/common/slice.js';

describe('slice arguments', () => {
  it('defaults to the first 20 items from the start', () => {
    expect(sliceArgs('children', {})).toEqual({ from: 0, before: null, first: DEFAULT_SLICE_SIZE, last: null });
  });

  it('starts one past the `after` cursor and stops at the `before` cursor', () => {
    const slice = sliceArgs('children', { first: 5, after: encodeCursor('children', 9), before: encodeCursor('children', 12) });
    expect(slice).toEqual({ from: 10, before: 12, first: 5, last: null });
    expect(sliceRange(slice, 100)).toEqual({ start: 10, end: 12 });
  });

  it('counts `last` back from the end of the list, or from `before`', () => {
    expect(sliceRange(sliceArgs('children', { last: 3 }), 10)).toEqual({ start: 7, end: 10 });
    expect(sliceRange(sliceArgs('children', { last: 3, before: encodeCursor('children', 5) }), 10)).toEqual({ start: 2, end: 5 });
    expect(sliceRange(sliceArgs('children', { last: 30 }), 10)).toEqual({ start: 0, end: 10 });
  });

  it('gives an empty range past the end and for first: 0', () => {
    expect(sliceRange(sliceArgs('children', { first: 5, after: encodeCursor('children', 20) }), 10)).toEqual({ start: 21, end: 21 });
    expect(sliceRange(sliceArgs('children', { first: 0 }), 10)).toEqual({ start: 0, end: 0 });
  });

  it('leaves the end open while the list size is unknown (the reader fetches one past the slice)', () => {
    expect(sliceRange(sliceArgs('territories', { first: 4, after: encodeCursor('territories', 1) }))).toEqual({ start: 2, end: 6 });
  });

  it('refuses sizes outside 0..100, both first and last, and cursors of another list', () => {
    expect(() => sliceArgs('children', { first: MAX_SLICE_SIZE + 1 })).toThrow(/first must be between 0 and 100 \(got 101\)/);
    expect(() => sliceArgs('children', { last: -1 })).toThrow(/last must be between 0 and 100/);
    expect(() => sliceArgs('children', { first: 1, last: 1 })).toThrow(/either first .* or last/);
    expect(() => decodeCursor('children', encodeCursor('territories', 3), 'after')).toThrow(/not a cursor of this list/);
    expect(() => decodeCursor('children', 'not base64!', 'before')).toThrow(/not a cursor of this list/);
    expect(decodeCursor('children', encodeCursor('children', 42), 'after')).toBe(42);
  });
});

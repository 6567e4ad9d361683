import { describe, expect, it } from 'vitest';
import { BADGE_COLORS, renderBadge } from '../../../src/modules/embed/badge.js';
import { escapeMarkup } from '../../../src/modules/embed/markup.js';
import { sparklinePoints } from '../../../src/modules/embed/sparkline.js';

/** The widths of a badge's label and message segments, and of the whole SVG. */
function widths(svg: string) {
  const [label, message] = [...svg.matchAll(/<rect (?:x="\d+" )?width="(\d+)" height="20" fill="#(?!bbb)[0-9a-f]{3,6}"/g)].map((m) => Number(m[1]));
  return { label, message, whole: Number(/^<svg[^>]* width="(\d+)"/.exec(svg)?.[1]) };
}

describe('badge width (badge-maker)', () => {
  it('sizes each segment to its text, Cyrillic measured as Cyrillic', () => {
    const badge = widths(renderBadge({ label: 'подписчики', message: '1,4 млн', color: BADGE_COLORS.figure }));
    expect(badge.whole).toBe(badge.label + badge.message);
    // Verdana 11 px: «подписчики» is about 67 px of text, plus padding.
    expect(badge.label).toBeGreaterThan(67);
    expect(badge.label).toBeLessThan(85);
    const longer = widths(renderBadge({ label: 'подписчики госпабликов', message: '1,4 млн', color: BADGE_COLORS.figure }));
    expect(longer.label).toBeGreaterThan(badge.label + 60);
    expect(longer.message).toBe(badge.message);
    // Wide letters take more room than narrow ones of the same count.
    expect(widths(renderBadge({ label: 'ЖЖЖЖ', message: '1', color: '#000' })).label).toBeGreaterThan(
      widths(renderBadge({ label: 'іііі', message: '1', color: '#000' })).label + 20,
    );
  });

  it('escapes every text and carries a title', () => {
    const svg = renderBadge({ label: '<script>"x"</script>', message: 'a & b', color: '#000' });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;&quot;x&quot;&lt;/script&gt;');
    expect(svg).toContain('a &amp; b');
    expect(svg).toMatch(/<title>&lt;script&gt;.*: a &amp; b<\/title>/);
    expect(svg).toContain('role="img"');
    expect(renderBadge({ label: 'a', message: 'b', color: '#000', title: "$& $' $1" })).toContain('<title>$&amp; $&#39; $1</title>');
  });

  it('escapes the characters of HTML and XML', () => {
    expect(escapeMarkup(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('sparkline', () => {
  it('scales values into the drawing, oldest left, highest at the top', () => {
    expect(sparklinePoints([])).toBe('');
    expect(sparklinePoints([5, 5])).toBe('3,24 237,24');
    expect(sparklinePoints([0, 10])).toBe('3,45 237,3');
  });
});

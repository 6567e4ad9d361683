import { describe, expect, it } from 'vitest';
import { BADGE_COLORS, partWidth, renderBadge } from '../../../src/modules/embed/badge.js';
import { escapeMarkup } from '../../../src/modules/embed/markup.js';
import { sparklinePoints } from '../../../src/modules/embed/sparkline.js';
import { textWidth } from '../../../src/modules/embed/textWidth.js';

describe('badge width', () => {
  it('measures text with Verdana 11px advance widths', () => {
    expect(textWidth('')).toBe(0);
    expect(textWidth('0000')).toBeCloseTo(28, 5);
    // Verdana is wider for W than for i, and a longer text is wider.
    expect(textWidth('W')).toBeGreaterThan(textWidth('i') * 3);
    expect(textWidth('подписчики')).toBeGreaterThan(55);
    expect(textWidth('подписчики')).toBeLessThan(75);
  });

  it('sizes the SVG to its two texts plus padding', () => {
    const svg = renderBadge({ label: 'подписчики', message: '1,4 млн', color: BADGE_COLORS.figure });
    const width = partWidth('подписчики') + partWidth('1,4 млн');
    expect(svg).toContain(`width="${width}"`);
    expect(svg).toContain(`<rect x="${partWidth('подписчики')}"`);
    expect(partWidth('a much longer label than that')).toBeGreaterThan(partWidth('short'));
  });

  it('escapes every text and carries a title', () => {
    const svg = renderBadge({ label: '<script>"x"</script>', message: 'a & b', color: '#000' });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;&quot;x&quot;&lt;/script&gt;');
    expect(svg).toContain('a &amp; b');
    expect(svg).toMatch(/<title>&lt;script&gt;.*: a &amp; b<\/title>/);
    expect(svg).toContain('role="img"');
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

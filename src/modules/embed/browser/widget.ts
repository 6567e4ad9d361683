import { GospublikiFigures } from './figuresElement.js';

// The widget's entry (/embed/v1/gospubliki.js): defines <gospubliki-figures> once, even when the
// script is included twice, and never throws into the page.
try {
  if (!customElements.get('gospubliki-figures')) customElements.define('gospubliki-figures', GospublikiFigures);
} catch {
  // another definition of the name won: leave it
}

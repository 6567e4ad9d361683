import { css } from 'lit';

/**
 * The widget's styles, adopted by its shadow root (constructable stylesheets: no `<style>` or
 * `style=` in the page, so a strict `style-src` is fine). The host's own rules cannot hide or
 * recolour it: `!important` declarations of `:host` win over the page's, even its `!important` ones.
 */
export const styles = css`
  :host {
    --bg: #ffffff;
    --fg: #1a1a1a;
    --muted: #4a4a4a;
    --line: #d0d7de;
    --accent: #0b5fa5;
    --up: #146c2e;
    --down: #b42318;
    display: block !important;
    visibility: visible !important;
    opacity: 1 !important;
    box-sizing: border-box !important;
    max-width: 420px;
    color: var(--fg) !important;
    background: var(--bg) !important;
    color-scheme: light;
    font: 14px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif !important;
    text-align: start !important;
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      --bg: #15191e;
      --fg: #f0f3f6;
      --muted: #b8c0c8;
      --line: #3a434d;
      --accent: #7cc0ff;
      --up: #6fdc8c;
      --down: #ff8a80;
      color-scheme: dark;
    }
  }
  :host([theme='dark']) {
    --bg: #15191e;
    --fg: #f0f3f6;
    --muted: #b8c0c8;
    --line: #3a434d;
    --accent: #7cc0ff;
    --up: #6fdc8c;
    --down: #ff8a80;
    color-scheme: dark;
  }
  .card {
    display: block;
    padding: 12px 16px;
    border: 1px solid var(--line);
    border-radius: 8px;
    color: var(--fg);
    background: var(--bg);
  }
  h2 {
    margin: 0 0 4px;
    font-size: 16px;
  }
  h3 {
    margin: 12px 0 4px;
    font-size: 13px;
    font-weight: 600;
    color: var(--muted);
  }
  p {
    margin: 4px 0;
  }
  .number {
    font-size: 28px;
    font-weight: 700;
    font-variant-numeric: tabular-nums;
  }
  .unit,
  .coverage,
  .message {
    color: var(--muted);
  }
  .growth.up {
    color: var(--up);
  }
  .growth.down {
    color: var(--down);
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .platforms li {
    display: flex;
    justify-content: space-between;
    gap: 8px;
    padding: 2px 0;
    border-bottom: 1px solid var(--line);
  }
  .value {
    font-variant-numeric: tabular-nums;
  }
  figure {
    margin: 8px 0 0;
    color: var(--accent);
  }
  svg {
    display: block;
    width: 100%;
    height: 48px;
  }
  .source {
    font-size: 12px;
  }
  a {
    color: var(--accent);
  }
  a:focus-visible {
    outline: 2px solid var(--accent);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;

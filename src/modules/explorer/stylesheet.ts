/**
 * The explorer page's stylesheet, served at /t/assets/explorer.css (a module rather than a file, so
 * the compiled server in dist/ serves it too). One column, readable on a phone, high contrast,
 * a visible focus ring.
 */
export const EXPLORER_CSS = `/* The explorer page /t/{code}: one column, readable on a phone, high contrast, visible focus. */
:root { color-scheme: light; --ink: #1d2026; --muted: #4a4f57; --line: #d5d9e0; --accent: #1f5fbf; --bg: #ffffff; --soft: #f4f6f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, summary:focus-visible, .scroll:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
.skip { position: absolute; left: -9999px; top: 0; background: var(--ink); color: #fff; padding: 8px 12px; }
.skip:focus { left: 8px; top: 8px; }
header.site, footer.site { padding: 12px 24px; background: var(--soft); border-bottom: 1px solid var(--line); }
footer.site { border-top: 1px solid var(--line); border-bottom: 0; color: var(--muted); font-size: 14px; margin-top: 32px; }
.crumbs { padding: 8px 24px; font-size: 14px; }
.crumbs ol { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px; }
.crumbs li + li::before { content: "›"; margin: 0 6px; color: var(--muted); }
main { max-width: 1040px; margin: 0 auto; padding: 0 24px; }
h1 { margin: 16px 0 4px; font-size: 28px; }
h2 { margin: 32px 0 12px; font-size: 21px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 17px; margin: 24px 0 8px; }
.meta { color: var(--muted); margin: 0; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(210px, 1fr)); gap: 12px; margin: 0 0 16px; }
.figures div { background: var(--soft); border: 1px solid var(--line); border-radius: 8px; padding: 12px; }
.figures dt { color: var(--muted); font-size: 14px; }
.figures dd { margin: 4px 0 0; font-size: 22px; font-weight: 600; }
.big { font-size: 20px; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
caption { text-align: left; color: var(--muted); padding: 4px 0; font-size: 14px; }
th, td { padding: 6px 8px; border-bottom: 1px solid var(--line); text-align: right; vertical-align: top; }
th[scope="row"], thead th:first-child { text-align: left; }
thead th { background: var(--soft); }
thead th a { text-decoration: none; }
.level, .of { color: var(--muted); font-size: 13px; font-weight: 400; }
.scroll { overflow-x: auto; }
figure { margin: 8px 0; }
.chart { width: 100%; height: auto; max-width: 720px; display: block; }
details { margin: 8px 0; }
fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 12px 0; }
fieldset label { margin-right: 16px; white-space: nowrap; }
button { font: inherit; padding: 6px 14px; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
`;

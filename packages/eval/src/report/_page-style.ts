/** The page's stylesheet: system font, cards on a responsive grid, readable tables. */
export const PAGE_STYLE = `
:root {
  --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb; --card: #ffffff; --page: #f5f7fa;
  --accent: #4e79a7; --good: #2f855a; --warn-bg: #fff4e5; --warn-line: #f0b429; --warn-ink: #8d2b0b;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--page); color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
header, main, footer { max-width: 1440px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 28px; padding-bottom: 8px; }
h1 { font-size: 24px; line-height: 1.25; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 15px; margin: 0 0 2px; }
.subtitle { color: var(--muted); margin: 0; }
.badge {
  display: inline-block; vertical-align: middle; margin-left: 8px; padding: 2px 8px; border-radius: 999px;
  font-size: 12px; font-weight: 600; letter-spacing: .04em; background: var(--warn-line); color: #3d2200;
}
.banner {
  margin: 16px 0 0; padding: 12px 16px; border-radius: 10px; border: 1px solid var(--warn-line);
  border-left-width: 6px; background: var(--warn-bg); color: var(--warn-ink);
}
.summary { display: flex; flex-wrap: wrap; gap: 8px; margin: 16px 0 0; padding: 0; list-style: none; }
.summary li {
  background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 6px 12px;
  overflow-wrap: anywhere;
}
.summary .value { font-weight: 600; font-variant-numeric: tabular-nums; }
.grid {
  display: grid; gap: 16px; padding-top: 16px; padding-bottom: 16px;
  grid-template-columns: repeat(auto-fit, minmax(min(100%, 520px), 1fr));
}
.card {
  background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 16px;
  box-shadow: 0 1px 2px rgba(15, 23, 42, .04); min-width: 0;
}
.card.wide { grid-column: 1 / -1; }
.card .hint { color: var(--muted); font-size: 13px; margin: 0 0 8px; }
.plot { width: 100%; height: 460px; }
.plot.short { height: 340px; }
.table-scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 8px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
td.number, thead th.number { text-align: right; white-space: nowrap; }
td.best { color: var(--good); font-weight: 700; }
.metric-name { font-weight: 600; }
.metric-description { color: var(--muted); font-size: 12px; font-weight: 400; }
.direction { color: var(--muted); white-space: nowrap; font-size: 13px; }
.missing { color: #9aa5b1; }
ul.notes { margin: 0; padding-left: 20px; }
ul.notes li { overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: 12px; padding-bottom: 32px; }
@media (max-width: 600px) { header, main, footer { padding-left: 12px; padding-right: 12px; } .plot { height: 360px; } }
`;

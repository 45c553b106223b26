// Hostile chat texts: markup, event handlers, URL schemes, encodings and Markdown tricks (OWASP filter-evasion
// style). Each is tagged with `__xss` so a page that ran any of them would show it on `window.__xss`, or calls
// alert(), which the test's dialog listener would record.
export const XSS_CORPUS: string[] = [
  '<script>window.__xss="script"</script>',
  '<img src=x onerror="window.__xss=\'img\'">',
  '<svg onload="window.__xss=\'svg\'"><circle r=1></svg>',
  '<svg><script>window.__xss="svg-script"</script></svg>',
  '<iframe src="javascript:window.parent.__xss=\'iframe\'"></iframe>',
  '<iframe srcdoc="<script>parent.__xss=\'srcdoc\'</script>"></iframe>',
  '<body onload="window.__xss=\'body\'">',
  '<details open ontoggle="window.__xss=\'details\'">x</details>',
  '<input autofocus onfocus="window.__xss=\'input\'">',
  '<video><source onerror="window.__xss=\'video\'"></video>',
  '<a href="javascript:window.__xss=\'href\'">click</a>',
  '<a href="JaVaScRiPt:window.__xss=\'mixed\'">click</a>',
  '<a href="&#106;avascript:window.__xss=\'entity\'">click</a>',
  '<a href="data:text/html,<script>parent.__xss=\'data\'</script>">data</a>',
  '<object data="javascript:window.__xss=\'object\'"></object>',
  '<embed src="javascript:window.__xss=\'embed\'">',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=\'mxss\'">',
  '<style>@import "javascript:window.__xss=1";body{background:red}</style>',
  '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=\'meta\'">',
  '<form action="javascript:window.__xss=\'form\'"><button>go</button></form>',
  '"><script>window.__xss="attr-break"</script>',
  "'><img src=x onerror=window.__xss='quote-break'>",
  '</textarea><script>window.__xss="textarea"</script>',
  '<!--<img src="--><img src=x onerror=window.__xss=\'comment\'//">',
  '<scr<script>ipt>window.__xss="nested"</scr</script>ipt>',
  '&lt;script&gt;window.__xss="entities"&lt;/script&gt;',
  '\u003cscript\u003ewindow.__xss="unicode-escape"\u003c/script\u003e',
  '<IMG SRC=`javascript:window.__xss="backtick"`>',
  '<img src="x" style="x:expression(window.__xss=\'expr\')">',
  '[click](javascript:window.__xss="md-link")',
  '[img](x" onerror="window.__xss=\'md-attr\')',
  '![x](javascript:window.__xss="md-image")',
  'javascript:window.__xss="bare-scheme"',
  'https://example.com/"><script>window.__xss="url-break"</script>',
  '{{constructor.constructor("window.__xss=\'template\'")()}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the payload is a literal template placeholder.
  '${window.__xss="template-literal"}',
  '@<img src=x onerror=window.__xss=\'mention\'> /cmd <script>window.__xss="cmd"</script>',
  '\u202e<script>window.__xss="bidi"</script>',
  // Markdown (issue 19): links and images with hostile schemes, autolinks, references, HTML inside Markdown.
  '[x](javascript:alert(1))',
  '![x](javascript:alert(2))',
  '[x](JaVaScRiPt:alert(3) "title")',
  '[x](&#106;avascript:alert(4))',
  '[x]( javascript:alert(5) )',
  '[data](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX194c3M9MTwvc2NyaXB0Pg==)',
  '![pixel](data:image/svg+xml,<svg onload=alert(6)>)',
  '<javascript:alert(7)>',
  '<https://example.com/ok> and <mail@example.com> and www.example.com',
  '[ref][1]\n\n[1]: javascript:alert(8)',
  '**bold <img src=x onerror=window.__xss="md-html">** and `<script>alert(9)</script>`',
  '<a href="javascript:alert(10)">**md inside html**</a>',
  '> <iframe src="javascript:alert(11)"></iframe>\n> quoted',
  '- [x] <input onfocus=alert(12) autofocus>\n- [ ] todo',
  '| a | b |\n|---|---|\n| <img src=x onerror=alert(13)> | [x](javascript:alert(14)) |',
  '```html\n<script>window.__xss="fenced"</script>\n```',
];

/**
 * What the page shows of a text where Markdown changes it (entities decoded, code marks and reference definitions
 * not shown): still inert, just not character for character. Every other text shows verbatim.
 */
export const SHOWN_AS: Record<string, string> = {
  '&lt;script&gt;window.__xss="entities"&lt;/script&gt;': '<script>window.__xss="entities"</script>',
  '<IMG SRC=`javascript:window.__xss="backtick"`>': '<IMG SRC=javascript:window.__xss="backtick">',
  '<https://example.com/ok> and <mail@example.com> and www.example.com':
    'https://example.com/ok and mail@example.com and www.example.com',
  '[ref][1]\n\n[1]: javascript:alert(8)': '[ref][1]',
  '**bold <img src=x onerror=window.__xss="md-html">** and `<script>alert(9)</script>`':
    'bold <img src=x onerror=window.__xss="md-html"> and <script>alert(9)</script>',
  '<a href="javascript:alert(10)">**md inside html**</a>':
    '<a href="javascript:alert(10)">md inside html</a>',
  '> <iframe src="javascript:alert(11)"></iframe>\n> quoted': '<iframe src="javascript:alert(11)"></iframe>',
  '- [x] <input onfocus=alert(12) autofocus>\n- [ ] todo': '<input onfocus=alert(12) autofocus>',
  '| a | b |\n|---|---|\n| <img src=x onerror=alert(13)> | [x](javascript:alert(14)) |':
    '<img src=x onerror=alert(13)>[x](javascript:alert(14))',
  '```html\n<script>window.__xss="fenced"</script>\n```': '<script>window.__xss="fenced"</script>',
};

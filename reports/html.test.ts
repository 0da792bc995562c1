import { expect, test } from 'vitest';
import { escapeHtml, html, trusted } from './html.js';

test('interpolations are escaped unless already html', () => {
  const name = `<img src=x onerror="alert('x')">&`;
  const out = html`<td title="${name}">${name}${trusted('<b>ok</b>')}${[html`<i>${'<'}</i>`, 1]}${null}${undefined}${false}</td>`;
  expect(out.text).toBe(
    '<td title="&#60;img src=x onerror=&#34;alert(&#39;x&#39;)&#34;&#62;&#38;">&#60;img src=x onerror=&#34;alert(&#39;x&#39;)&#34;&#62;&#38;<b>ok</b><i>&#60;</i>1</td>',
  );
  expect(escapeHtml('a"b\'c')).toBe('a&#34;b&#39;c');
});

// A small HTML page for what happens outside the React app (a failed sign-in): no script, no
// inline style, so the strict Content-Security-Policy holds.
const escape = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

export function messagePage(title: string, message: string, link: { href: string; label: string }): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)} · Runnerly</title></head>
<body><main><h1>${escape(title)}</h1><p>${escape(message)}</p><p><a href="${escape(link.href)}">${escape(link.label)}</a></p></main></body>
</html>`;
}

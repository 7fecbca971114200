import { html, type SafeHtml } from './html.js';

export type FieldErrors = Partial<Record<string, string>>;

export interface FieldOptions {
  name: string;
  label: string;
  type: 'email' | 'password' | 'text';
  autocomplete: string;
  value?: string | undefined;
  hint?: string;
  required?: boolean;
  errors: FieldErrors;
}

/** A labelled input; its error (if any) is announced with it through aria-describedby. */
export function field({ name, label, type, autocomplete, value, hint, required = true, errors }: FieldOptions): SafeHtml {
  const error = errors[name];
  const described = [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ');
  return html`<label for="${name}">${label}</label>
<input id="${name}" name="${name}" type="${type}" autocomplete="${autocomplete}"${value === undefined ? '' : html` value="${value}"`}${required ? html` required` : ''}${type === 'email' ? html` maxlength="254" spellcheck="false" autocapitalize="none"` : ''}${described ? html` aria-describedby="${described}"` : ''}${error ? html` aria-invalid="true"` : ''}>
${hint ? html`<p class="hint" id="${name}-hint">${hint}</p>` : ''}${error ? html`<p class="field-error" id="${name}-error">${error}</p>` : ''}`;
}

/** The list of problems at the top of a form, read out at once (role="alert"), each linking to its field. */
export function errorSummary(errors: FieldErrors, general?: string): SafeHtml {
  const entries = Object.entries(errors).filter((entry): entry is [string, string] => entry[1] !== undefined);
  if (entries.length === 0 && general === undefined) return html``;
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
<h2 id="error-summary-title">There is a problem</h2>
<ul>${general ? html`<li>${general}</li>` : ''}${entries.map(([name, message]) => html`<li><a href="#${name}">${message}</a></li>`)}</ul>
</div>`;
}

export function hiddenField(name: string, value: string | undefined): SafeHtml {
  return value === undefined ? html`` : html`<input type="hidden" name="${name}" value="${value}">`;
}

/** A POST form to this server, carrying the CSRF token. */
export function postForm(action: string, csrfToken: string, content: SafeHtml, button: string, buttonClass?: string): SafeHtml {
  return html`<form method="post" action="${action}">
<input type="hidden" name="csrf_token" value="${csrfToken}">
${content}
<button type="submit"${buttonClass ? html` class="${buttonClass}"` : ''}>${button}</button>
</form>`;
}

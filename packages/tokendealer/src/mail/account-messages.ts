// The messages sent to users: plain, friendly, each with the one link it is about.
import { html, renderHtml } from '../web/html.js';
import type { MailMessage } from '@runnerly/mail';

function message(to: string, subject: string, paragraphs: string[], link: { url: string; label: string }): MailMessage {
  const text = [...paragraphs.slice(0, 1), link.url, ...paragraphs.slice(1)].join('\n\n');
  const body = html`${paragraphs.slice(0, 1).map((p) => html`<p>${p}</p>`)}<p><a href="${link.url}">${link.label}</a></p>${paragraphs.slice(1).map((p) => html`<p>${p}</p>`)}`;
  return { to, subject, text: `${text}\n`, html: renderHtml(body), links: [link.url] };
}

export function confirmationMessage(to: string, link: string): MailMessage {
  return message(to, 'Confirm your email address', [
    'Welcome! To finish creating your account, open this link and enter the password you chose when you signed up:',
    'The link works once and expires in 24 hours. If you signed up more than once, only the link in the latest message works.',
    'If you did not sign up, ignore this message: no account will be activated.',
  ], { url: link, label: 'Confirm my email address' });
}

export function alreadyRegisteredMessage(to: string, resetLink: string): MailMessage {
  return message(to, 'You already have an account', [
    'Someone (probably you) tried to sign up with this email address, but you already have an account. If you forgot your password, you can choose a new one here:',
    'If it was not you, ignore this message: nothing has changed.',
  ], { url: resetLink, label: 'Choose a new password' });
}

export function passwordResetMessage(to: string, link: string): MailMessage {
  return message(to, 'Choose a new password', [
    'Someone (probably you) asked to reset the password of your account. Choose a new one here:',
    'The link works once and expires in one hour. If you did not ask, ignore this message: your password has not changed.',
  ], { url: link, label: 'Choose a new password' });
}

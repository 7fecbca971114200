// A person creating an account in a real browser: from the sign-up form to "Email confirmed".
import type { Page } from 'playwright-core';
import { lastMessageTo } from './outbox.js';

/** Fills the sign-up form the page shows, then follows the mailed link and confirms with the password. */
export async function signUpAndConfirm(page: Page, outboxDir: string, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
  await page.goto(lastMessageTo(outboxDir, email).links[0]!);
  await page.getByRole('heading', { name: 'Confirm your email' }).waitFor();
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('heading', { name: 'Email confirmed' }).waitFor();
}

// Sign in and sign up.
import type { SignedIn, SignUpRequest } from '@todo/contracts';
import { SIGN_IN_PATH, SIGN_UP_PATH } from '@todo/contracts/src/routes';
import { ApiFailure, api, session } from './api';
import { h, replace } from './dom';
import { humanIssue } from './field-errors';

/** `notice`: why the form is shown (such as a sign-in that ended elsewhere), until the user acts. */
export function renderAuth(root: HTMLElement, onSignedIn: () => void, notice = ''): void {
  let mode: 'in' | 'up' = 'in';
  // kept across a re-render, so a refused password does not cost the email too
  let typedEmail = '';
  const render = (error = '') => {
    const email = h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'email', required: true });
    email.value = typedEmail;
    const password = h('input', {
      id: 'password',
      name: 'password',
      type: 'password',
      autocomplete: mode === 'in' ? 'current-password' : 'new-password',
      required: true,
      // the server's rule for new passwords; an older password may be shorter
      minlength: mode === 'up' ? 10 : undefined,
    });
    const form = h(
      'form',
      { class: 'card auth', 'aria-labelledby': 'auth-title' },
      h('h2', { id: 'auth-title' }, mode === 'in' ? 'Sign in' : 'Create an account'),
      notice && !error ? h('p', { class: 'notice', role: 'status' }, notice) : '',
      h('label', { for: 'email' }, 'Email'),
      email,
      h(
        'label',
        { for: 'password' },
        'Password',
        mode === 'up' ? h('small', {}, ' (at least 10 characters, hard to guess: a few unrelated words work)') : '',
      ),
      password,
      error ? h('p', { class: 'error', role: 'alert' }, error) : '',
      h('button', { type: 'submit', class: 'primary' }, mode === 'in' ? 'Sign in' : 'Sign up'),
      h(
        'p',
        {},
        mode === 'in' ? 'New here? ' : 'Have an account? ',
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            onclick: () => {
              mode = mode === 'in' ? 'up' : 'in';
              render();
            },
          },
          mode === 'in' ? 'Create an account' : 'Sign in',
        ),
      ),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      typedEmail = email.value;
      const body: SignUpRequest = { email: email.value, password: password.value };
      if (mode === 'up') body.timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      try {
        const res = await api<SignedIn>(mode === 'in' ? SIGN_IN_PATH : SIGN_UP_PATH, { body });
        session.token = res.token;
        onSignedIn();
      } catch (err) {
        // a refused password's reason is in the details ("too easy to guess: ..."); as a sentence, the email kept
        const issue =
          err instanceof ApiFailure ? err.details.find((d) => d.path === 'password' || d.path === 'email') : undefined;
        const reason = issue
          ? humanIssue(issue)
          : err instanceof ApiFailure
            ? humanIssue({ path: '', message: err.message })
            : '';
        render(reason || 'Something went wrong.');
      }
    });
    replace(root, form);
    (typedEmail ? password : email).focus();
  };
  render();
}

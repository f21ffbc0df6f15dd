// Sign in and sign up.
import { ApiFailure, api, session } from './api';
import { h, replace } from './dom';

export function renderAuth(root: HTMLElement, onSignedIn: () => void): void {
  let mode: 'in' | 'up' = 'in';
  const render = (error = '') => {
    const email = h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'email', required: true });
    const password = h('input', {
      id: 'password',
      name: 'password',
      type: 'password',
      autocomplete: mode === 'in' ? 'current-password' : 'new-password',
      required: true,
      minlength: 8,
    });
    const form = h(
      'form',
      { class: 'card auth', 'aria-labelledby': 'auth-title' },
      h('h2', { id: 'auth-title' }, mode === 'in' ? 'Sign in' : 'Create an account'),
      h('label', { for: 'email' }, 'Email'),
      email,
      h('label', { for: 'password' }, 'Password', mode === 'up' ? h('small', {}, ' (at least 8 characters)') : ''),
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
      const body: Record<string, string> = { email: email.value, password: password.value };
      if (mode === 'up') body.timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      try {
        const res = await api<{ token: string }>(mode === 'in' ? '/api/auth/sign-in' : '/api/auth/sign-up', { body });
        session.token = res.token;
        onSignedIn();
      } catch (err) {
        render(err instanceof ApiFailure ? err.message : 'Something went wrong.');
      }
    });
    replace(root, form);
    email.focus();
  };
  render();
}

import { setApiToken } from './api';
import { clear, h } from './dom';

/** The sign-in panel: the hospital's OpenID provider (session cookie), or an API token entered once (development). */
export function signIn(root: HTMLElement, reason: string): void {
  const token = h('input', { type: 'password', placeholder: 'nidus_...', autocomplete: 'off', 'aria-label': 'API token', 'data-testid': 'api-token' });
  clear(root);
  root.append(
    h(
      'section',
      { className: 'sign-in' },
      h('h2', {}, 'Sign in to Nidus'),
      h('p', {}, reason),
      h(
        'p',
        {},
        h(
          'a',
          { className: 'button', href: `/auth/login?returnTo=${encodeURIComponent(location.pathname + location.search)}` },
          'Sign in with your hospital account',
        ),
      ),
      h(
        'form',
        {
          onsubmit: (e: Event) => {
            e.preventDefault();
            setApiToken(token.value);
            location.reload();
          },
        },
        h('label', {}, 'or an API token (', h('code', {}, 'nidus tokens create'), '), kept in this browser: ', token),
        h('button', { type: 'submit', 'data-testid': 'use-token' }, 'Use token'),
      ),
    ),
  );
}

export function signOutButton(): HTMLElement {
  return h(
    'form',
    { method: 'post', action: '/auth/logout', className: 'sign-out', onsubmit: () => setApiToken(null) },
    h('button', { type: 'submit' }, 'Sign out'),
  );
}

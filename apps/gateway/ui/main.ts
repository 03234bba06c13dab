import { ApiError, SignInNeededError } from './api';
import { alertView } from './alert-view';
import { h } from './dom';
import { registerNidusImageLoader } from './image-loader';
import { modelsView } from './models-view';
import { signIn, signOutButton } from './sign-in';
import { studyView } from './study-view';
import { worklistView } from './worklist-view';

// The review page: one script for its addresses (/worklist, /studies/{uid}, /alerts/{id}, /models).

async function route(root: HTMLElement): Promise<void> {
  const path = location.pathname;
  const study = /^\/studies\/([0-9.]+)$/.exec(path);
  const alert = /^\/alerts\/([A-Za-z0-9-]+)$/.exec(path);
  if (study) return studyView(root, study[1]);
  if (alert) return alertView(root, alert[1]);
  if (path === '/models') return modelsView(root);
  await worklistView(root);
}

async function start(): Promise<void> {
  performance.mark('nidus-start'); // the benchmark splits page boot from the app's own work here
  registerNidusImageLoader();
  const root = document.getElementById('app')!;
  document.body.prepend(h('div', { className: 'top-bar' }, h('a', { href: '/worklist', className: 'brand' }, 'Nidus'), signOutButton()));
  document.body.dataset.ready = 'loading';
  try {
    await route(root);
    document.body.dataset.ready = 'yes';
  } catch (error) {
    document.body.dataset.ready = 'error';
    if (error instanceof SignInNeededError) return signIn(root, 'Your session has ended or you have not signed in yet.');
    if (error instanceof ApiError && error.status === 403) return signIn(root, `Not allowed: ${error.message}`);
    root.append(h('p', { className: 'error', 'data-testid': 'error' }, (error as Error).message));
  }
}

void start();

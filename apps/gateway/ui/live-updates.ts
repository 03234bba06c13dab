import { authHeaders } from './api';

/**
 * Follows a Server-Sent Events stream of the gateway (HTML Living Standard 9.2) through fetch, so an API token can
 * be sent as a header (EventSource sends cookies only); calls `onEvent` with each event's name and reconnects
 * after a pause when the stream ends.
 */
export function followEvents(path: string, onEvent: (event: string, data: string) => void): () => void {
  let stopped = false;
  let abort = new AbortController();
  const run = async () => {
    while (!stopped) {
      try {
        abort = new AbortController();
        const res = await fetch(path, { headers: authHeaders({ Accept: 'text/event-stream' }), credentials: 'same-origin', signal: abort.signal });
        if (!res.ok || !res.body) throw new Error(String(res.status));
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
            if (event) onEvent(event, data);
          }
        }
      } catch {
        // dropped, refused or aborted: try again in a moment
      }
      if (!stopped) await new Promise((r) => setTimeout(r, 3000));
    }
  };
  void run();
  return () => {
    stopped = true;
    abort.abort();
  };
}

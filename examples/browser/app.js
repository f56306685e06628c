// The eventsourced example page: one EventSource on SERVER?id=QUEUE, every event shown as
// it arrived. No libraries, no build step; works from file:// as well as from any web server.
//
// For scripts and tests the page keeps its record on window:
//   window.received  every event in arrival order: {type, data, lastEventId, at}
//                    (at = arrival time, ms since the epoch)
//   window.esState   {state: 'idle'|'connecting'|'open'|'closed', readyState, url,
//                     withCredentials, since, opens, reconnects, errors,
//                     history: [{state, at, detail}]}
'use strict';

(() => {
  // Named events (an AMQP "type" on the message) reach only listeners for that name, so the
  // page listens for 'message' (no type), the types the user lists, and the server's own.
  const SERVER_EVENTS = ['eventsourced-replaced', 'eventsourced-expired'];
  const MAX_ROWS = 500; // the list on screen; window.received keeps everything

  const $ = (id) => document.getElementById(id);
  const received = [];
  const esState = {
    state: 'idle', readyState: null, url: null, withCredentials: false, since: Date.now(),
    opens: 0, reconnects: 0, errors: 0, history: [],
  };
  window.received = received;
  window.esState = esState;

  let source = null;

  function clock(ms) {
    const d = new Date(ms);
    const pad = (n, w = 2) => String(n).padStart(w, '0');
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  }

  function setState(state, detail) {
    const at = Date.now();
    esState.state = state;
    esState.readyState = source ? source.readyState : null;
    esState.since = at;
    esState.history.push({ state, at, detail: detail || '' });

    const badge = $('state');
    badge.textContent = state;
    badge.dataset.state = state;
    $('since').textContent = clock(at);
    $('since').dateTime = new Date(at).toISOString();
    $('reconnects').textContent = String(esState.reconnects);
    $('connect').disabled = state === 'connecting' || state === 'open';
    $('disconnect').disabled = !(state === 'connecting' || state === 'open');

    const li = document.createElement('li');
    li.textContent = `${clock(at)} ${state}${detail ? ' - ' + detail : ''}`;
    $('history').prepend(li);
  }

  function typesFrom(text) {
    return text.split(',').map((t) => t.trim()).filter((t) => t.length > 0);
  }

  function connect() {
    disconnect('reconnecting with new settings');
    let url;
    try {
      url = new URL($('server').value.trim());
    } catch (e) {
      setState('closed', 'invalid server URL');
      return;
    }
    url.searchParams.set('id', $('queue').value.trim());
    // withCredentials sends the server's cookies (a ${cookie:...} queue pattern, a cookie
    // token); the server must then name this page's origin in Access-Control-Allow-Origin
    const es = new EventSource(url.href, { withCredentials: $('credentials').checked });
    source = es;
    esState.url = url.href;
    esState.withCredentials = es.withCredentials;
    $('url').textContent = url.href;
    let opened = 0;

    es.addEventListener('open', () => {
      if (es !== source) return;
      opened += 1;
      esState.opens += 1;
      if (opened > 1) esState.reconnects += 1;
      setState('open', opened > 1 ? 'reconnected' : '');
    });
    es.addEventListener('error', () => {
      if (es !== source) return;
      esState.errors += 1;
      if (es.readyState === EventSource.CLOSED) {
        // a non-200 answer (e.g. 503: the queue is in use) or a CORS refusal: the browser
        // does not retry; only Connect opens a new stream
        setState('closed', 'refused or failed; EventSource will not retry');
      } else {
        setState('connecting', 'connection lost; the browser retries by itself');
      }
    });
    const types = new Set(['message', ...typesFrom($('types').value), ...SERVER_EVENTS]);
    for (const type of types) {
      es.addEventListener(type, onEvent);
    }
    setState('connecting', url.href);
  }

  function disconnect(why) {
    if (!source) return;
    source.close();
    setState('closed', why);
    source = null;
  }

  function onEvent(e) {
    const event = { type: e.type, data: e.data, lastEventId: e.lastEventId, at: Date.now() };
    received.push(event);
    $('count').textContent = String(received.length);
    $('empty-hint').hidden = true;

    const li = document.createElement('li');
    li.className = 'event';
    const meta = document.createElement('div');
    meta.className = 'meta';
    for (const [name, value] of [['time', clock(event.at)], ['type', event.type], ['id', event.lastEventId]]) {
      const span = document.createElement('span');
      span.className = name;
      span.textContent = value;
      meta.append(span);
    }
    const data = document.createElement('div');
    data.className = event.data === '' ? 'data empty' : 'data';
    data.textContent = event.data; // textContent: the text exactly as sent, never parsed as HTML
    li.append(meta, data);
    const list = $('events');
    list.prepend(li);
    while (list.childElementCount > MAX_ROWS) {
      list.lastElementChild.remove();
    }
  }

  $('settings').addEventListener('submit', (e) => {
    e.preventDefault();
    connect();
  });
  $('disconnect').addEventListener('click', () => disconnect('disconnected by the user'));
  $('clear').addEventListener('click', () => {
    received.length = 0;
    $('events').replaceChildren();
    $('count').textContent = '0';
    $('empty-hint').hidden = false;
  });

  const params = new URLSearchParams(location.search);
  if (params.has('server')) $('server').value = params.get('server');
  if (params.has('types')) $('types').value = params.get('types');
  if (params.has('credentials')) $('credentials').checked = params.get('credentials') === '1';
  if (params.has('id')) {
    $('queue').value = params.get('id');
    connect();
  }
})();

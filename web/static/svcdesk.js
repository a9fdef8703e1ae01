/* svcdesk.js - optional: the pages work without it.
   1. The queue follows every minute so that its SLA states and working time left stay
      current, unless someone is using a form; and, live, at once when a request changes
      (6: GET /api/v1/events), as an open request page does for its own changes.
   2. A field with data-kb-suggest="ID" (the subject of a new request) lists knowledge-base
      articles matching what is typed in the element ID, read from GET /api/v1/kb/articles?q=
      with the session cookie. Titles are set as text, never as HTML.
   3. A file input with data-max-bytes="N" refuses chosen files larger than N bytes (each, or
      together) before
      anything is sent: a message beside it, and the form does not submit (without this
      script the server answers the form again, 413, with what was typed kept). */
(function () {
  'use strict';
  var queue = document.querySelector('table.queue');
  var ticket = document.querySelector('[data-live-ticket]');
  var live = !!(window.EventSource && window.fetch && window.DOMParser) &&
    !document.querySelector('[data-chat-start], [data-desk-chats]'); /* chat.js has its own */
  function typing() {
    var el = document.activeElement;
    return !!(el && /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName) && el.type !== 'search');
  }

  /* 6. Live: this page again from the server, its changing parts swapped in place (the
     queue's rows; a request's facts, history and files), never a form being filled in. */
  var refreshTimer = null;
  function swap(doc, selector) {
    var now = document.querySelector(selector), fresh = doc.querySelector(selector);
    if (now && fresh) now.replaceWith(fresh);
  }
  function refresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () { /* the events of one change: one fetch */
      fetch(window.location.href, {credentials: 'same-origin'})
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (!html) return;
          var doc = new DOMParser().parseFromString(html, 'text/html');
          ['table.queue tbody', 'dl.facts', 'section.conversation', 'section.files',
           'section.links', 'div.others-replying'].forEach(function (s) { swap(doc, s); });
          document.documentElement.setAttribute('data-live-updated', String(Date.now()));
        })
        .catch(function () {});
    }, 300);
  }
  if (queue) { /* SLA states and working time left move with the clock */
    setInterval(function () {
      if (document.hidden || typing()) return;
      if (live) refresh(); else window.location.reload();
    }, 60000);
  }

  /* GET /api/v1/events once per browser: the tab holding the Web Lock "svcdesk-events" opens
     the EventSource and hands every event to the other tabs over a BroadcastChannel; the next
     tab takes the lock when that one closes. Without those APIs each tab opens its own. */
  function onEvents(fn) {
    var bc = window.BroadcastChannel ? new BroadcastChannel('svcdesk-events') : null;
    function open() {
      var es = new EventSource('/api/v1/events');
      ['ticket', 'message', 'chat'].forEach(function (type) {
        es.addEventListener(type, function (e) {
          var d;
          try { d = JSON.parse(e.data); } catch (x) { return; }
          fn(type, d);
          if (bc) bc.postMessage({type: type, d: d});
        });
      });
    }
    if (bc) bc.onmessage = function (m) { if (m.data) fn(m.data.type, m.data.d); };
    if (bc && navigator.locks && navigator.locks.request)
      navigator.locks.request('svcdesk-events', function () {
        open();
        return new Promise(function () {}); /* held while this tab lives */
      });
    else
      open();
  }
  if (live && (queue || ticket)) {
    var mine = ticket ? Number(ticket.getAttribute('data-live-ticket')) : 0;
    onEvents(function (type, d) {
      if (queue || (d && d.ticket_id === mine)) refresh();
    });
  }

  function suggest(input) {
    var box = document.getElementById(input.getAttribute('data-kb-suggest'));
    var list = box && box.querySelector('ul');
    var timer = null, asked = '';
    if (!list) return;
    function show(items) {
      while (list.firstChild) list.removeChild(list.firstChild);
      items.slice(0, 5).forEach(function (a) {
        var li = document.createElement('li'), link = document.createElement('a');
        link.href = '/kb/' + encodeURIComponent(a.id);
        link.target = '_blank';
        link.rel = 'noopener';
        link.textContent = a.title;
        li.appendChild(link);
        list.appendChild(li);
      });
      box.hidden = items.length === 0;
    }
    function ask() {
      var q = input.value.trim();
      if (q === asked) return;
      asked = q;
      if (q.length < 3) { show([]); return; }
      fetch('/api/v1/kb/articles?limit=5&q=' + encodeURIComponent(q), {credentials: 'same-origin'})
        .then(function (r) { return r.ok ? r.json() : {items: []}; })
        .then(function (body) { if (input.value.trim() === q) show(body.items || []); })
        .catch(function () { show([]); });
    }
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 250);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll('[data-kb-suggest]'), suggest);

  function mib(n) { return (n / 1048576).toFixed(1).replace(/\.0$/, '') + ' MiB'; }
  function limitFiles(input) {
    var max = parseInt(input.getAttribute('data-max-bytes'), 10);
    var note = document.createElement('p');
    note.className = 'alert file-too-large';
    note.setAttribute('role', 'alert');
    note.hidden = true;
    input.parentNode.insertAdjacentElement('afterend', note);
    function check() {
      var big = null, total = 0, msg = '';
      Array.prototype.forEach.call(input.files || [], function (f) {
        if (f.size > max && !big) big = f;
        total += f.size;
      });
      if (big)
        msg = 'The file \u201c' + big.name + '\u201d is larger than ' + mib(max) +
          ', the most a request takes. Choose a smaller file.';
      else if (total > max)
        msg = 'The files come to ' + mib(total) + ', more than the ' + mib(max) +
          ' a request takes. Send them in two replies.';
      note.textContent = msg;
      note.hidden = !msg;
      input.setCustomValidity(msg); /* the browser does not submit the form */
      return !msg;
    }
    input.addEventListener('change', check);
    if (input.form) {
      input.form.addEventListener('submit', function (e) {
        if (!check()) { e.preventDefault(); input.focus(); }
      });
    }
  }
  if (window.File) {
    Array.prototype.forEach.call(document.querySelectorAll('input[type=file][data-max-bytes]'),
                                 limitFiles);
  }

  /* 5. Canned replies: the "Insert" form (data-canned-insert="TEXTAREA", data-ticket="N")
     puts the reply filled in for the request where the cursor is in the textarea, read from
     GET /api/v1/canned-replies/ID?ticket_id=N; without script (or when that fails) the form
     loads the page with the reply as the draft. */
  function insertAt(ta, text) {
    var start = ta.selectionStart || 0, end = ta.selectionEnd || 0;
    ta.value = ta.value.slice(0, start) + text + ta.value.slice(end);
    ta.selectionStart = ta.selectionEnd = start + text.length;
    ta.focus();
  }
  Array.prototype.forEach.call(document.querySelectorAll('form[data-canned-insert]'), function (form) {
    var ta = document.getElementById(form.getAttribute('data-canned-insert'));
    if (!ta || !window.fetch) return;
    form.addEventListener('submit', function (e) {
      var id = form.elements.canned && form.elements.canned.value;
      if (!id) return;
      e.preventDefault();
      fetch('/api/v1/canned-replies/' + encodeURIComponent(id) + '?ticket_id=' +
            encodeURIComponent(form.getAttribute('data-ticket')),
            {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
        .then(function (j) { insertAt(ta, j.text || ''); })
        .catch(function () { form.submit(); });
    });
  });

  /* 7. Keyboard shortcuts, listed by "?" (the panel #shortcuts of every page): "/" the search
     box; in the queue "j" and "k" move between requests, "o" or Enter opens the one chosen;
     on a request "r" goes to the reply box and "t" takes it; Escape leaves a field or the
     panel. None while typing in a field. */
  var help = document.getElementById('shortcuts');
  var row = -1;
  function rows() { return queue ? document.querySelectorAll('table.queue tbody tr') : []; }
  function choose(i) {
    var list = rows();
    if (!list.length) return;
    row = Math.max(0, Math.min(list.length - 1, i));
    Array.prototype.forEach.call(list, function (r, k) {
      r.classList.toggle('chosen', k === row);
      if (k === row) r.setAttribute('aria-current', 'true'); else r.removeAttribute('aria-current');
    });
    list[row].scrollIntoView({block: 'nearest'});
  }
  if (queue) /* the rows were swapped in by a live refresh: keep the one chosen */
    new MutationObserver(function () { if (row >= 0) choose(row); })
      .observe(document.documentElement, {attributes: true, attributeFilter: ['data-live-updated']});
  function click(selector) {
    var el = document.querySelector(selector);
    if (el) el.click();
    return !!el;
  }
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'Escape') {
      if (help && !help.hidden) { help.hidden = true; return; }
      if (typing()) document.activeElement.blur();
      return;
    }
    if (typing()) return;
    var handled = true;
    switch (e.key) {
    case '?': if (help) help.hidden = !help.hidden; break;
    case '/': { var q = document.querySelector('form.search input[name=q]'); if (q) q.focus(); else handled = false; break; }
    case 'j': if (queue) choose(row + 1); else handled = false; break;
    case 'k': if (queue) choose(row - 1); else handled = false; break;
    case 'o': case 'Enter': {
      var link = row >= 0 && rows()[row] ? rows()[row].querySelector('a[href^="/desk/tickets/"]') : null;
      if (link) window.location.href = link.href; else handled = false;
      break;
    }
    case 'r': { var ta = document.getElementById('reply-body'); if (ta) ta.focus(); else handled = false; break; }
    case 't': handled = click('form.take button[type=submit]'); break;
    default: handled = false;
    }
    if (handled) e.preventDefault();
  });

  /* 8. Another agent replying: while the reply box is in use the page says so to the server
     (POST data-replying, state=typing, at most every 20 s; the mark lives 45 s), and that it
     stopped when the page is left without sending (the reply itself ends it too). The other
     agents' pages hear of it through the events stream and show who. */
  var replyForm = document.querySelector('form[data-replying]');
  if (replyForm && window.fetch && window.FormData) {
    var marked = 0;
    var mark = function (state) {
      var body = new FormData();
      body.append('csrf', replyForm.elements.csrf.value);
      body.append('state', state);
      if (state === 'done' && navigator.sendBeacon)
        return navigator.sendBeacon(replyForm.getAttribute('data-replying'), body);
      fetch(replyForm.getAttribute('data-replying'), {method: 'POST', body: body,
        credentials: 'same-origin'}).catch(function () {});
    };
    replyForm.elements.body.addEventListener('input', function () {
      if (Date.now() - marked < 20000) return;
      marked = Date.now();
      mark('typing');
    });
    replyForm.addEventListener('submit', function () { marked = 0; });
    window.addEventListener('pagehide', function () { if (marked) mark('done'); });
  }
})();

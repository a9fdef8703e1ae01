/* chat.js - optional: the live-chat pages work without it (src/http/pages/chat.c).
   1. /portal/chat: shows the form that opens a chat, in place of the request form the page
      offers without a script (a chat needs live updates).
   2. A chat's page (/portal/chat?chat=ID): a line is posted in place (the page's own form,
      with its CSRF token), and the agent's lines and the chat's status appear as
      GET /api/v1/events announces them (EventSource with the session cookie; it comes back
      by itself with Last-Event-ID after each answer). Lines are set as text, never as HTML.
   3. /desk/chats: reloads when an event of a chat arrives, unless a reply is being typed;
      then a notice offers the reload. */
(function () {
  'use strict';
  var live = !!(window.EventSource && window.fetch && window.URLSearchParams);
  var start = document.querySelector('[data-chat-start]');
  var fallback = document.querySelector('[data-chat-fallback]');
  if (start && live) {
    start.hidden = false;
    if (fallback) fallback.hidden = true;
  }
  if (!live) return;

  /* Call fn with the data of every chat or request event. */
  function events(fn) {
    var es = new EventSource('/api/v1/events');
    function handle(e) {
      var d;
      try { d = JSON.parse(e.data); } catch (x) { return; }
      fn(d);
    }
    es.addEventListener('chat', handle);
    es.addEventListener('ticket', handle);
  }

  var desk = document.querySelector('[data-desk-chats]');
  if (desk) {
    var timer = null; /* several events of one change reload once */
    events(function (d) {
      if (d.channel !== 'chat') return;
      clearTimeout(timer);
      timer = setTimeout(function () {
        var typing = Array.prototype.some.call(desk.querySelectorAll('textarea'), function (t) {
          return t.value.trim() !== '';
        });
        var note = document.querySelector('[data-chat-live]');
        if (!typing) window.location.reload();
        else if (note) note.hidden = false;
      }, 300);
    });
    return;
  }

  var chat = document.querySelector('.chat[data-chat]');
  if (!chat) return;
  var id = chat.getAttribute('data-chat');
  var ticket = Number(chat.getAttribute('data-ticket'));
  var list = chat.querySelector('[data-chat-lines]');
  var form = chat.querySelector('[data-chat-form]');
  var state = chat.querySelector('[data-chat-status]');
  var words = {waiting: 'waiting for an agent', active: 'with an agent', closed: 'closed'};

  function when(iso) { return iso ? iso.replace('T', ' ').slice(0, 16) + ' UTC' : ''; }
  function line(m) {
    var li = document.createElement('li'), head = document.createElement('header');
    var who = document.createElement('strong'), at = document.createElement('time');
    var body = document.createElement('div');
    li.className = 'message' + (m.staff ? ' staff' : '');
    li.setAttribute('data-line', m.id);
    who.textContent = m.author_name;
    at.textContent = when(m.created_at);
    at.setAttribute('datetime', m.created_at);
    body.className = 'body';
    body.textContent = m.body;
    head.appendChild(who);
    head.appendChild(document.createTextNode(' '));
    head.appendChild(at);
    li.appendChild(head);
    li.appendChild(body);
    return li;
  }
  function json(url) {
    return fetch(url, {credentials: 'same-origin'}).then(function (r) {
      return r.ok ? r.json() : null;
    });
  }
  function refresh() {
    json('/api/v1/chats/' + id + '/messages').then(function (body) {
      if (!body) return;
      body.items.forEach(function (m) {
        if (!list.querySelector('[data-line="' + m.id + '"]')) list.appendChild(line(m));
      });
      list.scrollTop = list.scrollHeight;
    }).catch(function () {});
    json('/api/v1/chats/' + id).then(function (c) {
      if (!c) return;
      if (c.status === 'closed' && form) { window.location.reload(); return; }
      if (state) state.textContent = 'Chat ' + words[c.status] + (c.agent ? ' \u00b7 ' + c.agent.name : '');
    }).catch(function () {});
  }
  if (form) {
    form.addEventListener('submit', function (e) {
      var text = form.elements.body.value;
      e.preventDefault();
      if (!text.trim()) return;
      fetch(form.action, {method: 'POST', credentials: 'same-origin',
                          body: new URLSearchParams(new FormData(form))})
        .then(function (r) {
          if (!r.ok) { form.submit(); return; } /* the server shows why, with the page */
          form.elements.body.value = '';
          refresh();
        }, function () { form.submit(); });
    });
  }
  events(function (d) { if (d.ticket_id === ticket) refresh(); });
})();

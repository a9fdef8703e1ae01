/* svcdesk.js - optional: the pages work without it.
   1. The queue reloads every minute so that its SLA states and working time left stay
      current, unless someone is using a form.
   2. A field with data-kb-suggest="ID" (the subject of a new request) lists knowledge-base
      articles matching what is typed in the element ID, read from GET /api/v1/kb/articles?q=
      with the session cookie. Titles are set as text, never as HTML. */
(function () {
  'use strict';
  if (document.querySelector('table.queue')) {
    setInterval(function () {
      var el = document.activeElement;
      if (document.hidden || (el && /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName))) return;
      window.location.reload();
    }, 60000);
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
})();

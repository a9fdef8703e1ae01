/* svcdesk.js - optional: the pages work without it.
   1. The queue reloads every minute so that its SLA states and working time left stay
      current, unless someone is using a form.
   2. A field with data-kb-suggest="ID" (the subject of a new request) lists knowledge-base
      articles matching what is typed in the element ID, read from GET /api/v1/kb/articles?q=
      with the session cookie. Titles are set as text, never as HTML.
   3. A file input with data-max-bytes="N" refuses chosen files larger than N bytes (each, or
      together) before
      anything is sent: a message beside it, and the form does not submit (without this
      script the server answers the form again, 413, with what was typed kept). */
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
})();

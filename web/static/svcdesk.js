/* svcdesk.js - optional: the pages work without it. The queue reloads every minute so that
   its SLA states and working time left stay current, unless someone is using a form. */
(function () {
  'use strict';
  if (!document.querySelector('table.queue')) return;
  setInterval(function () {
    var el = document.activeElement;
    if (document.hidden || (el && /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName))) return;
    window.location.reload();
  }, 60000);
})();

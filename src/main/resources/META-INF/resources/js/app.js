// Copy buttons: the slug is also plain selectable text, so the page works without this script.
document.addEventListener('click', function (event) {
  var button = event.target.closest('button.copy');
  if (!button) return;
  var text = button.getAttribute('data-copy');
  var done = function () {
    button.setAttribute('data-copied', '');
    button.textContent = 'Copied';
    setTimeout(function () { button.removeAttribute('data-copied'); button.textContent = 'Copy'; }, 1500);
  };
  var fallback = function () {
    // Clipboard API is missing outside secure contexts (plain http on a LAN address).
    var area = document.createElement('textarea');
    area.value = text; area.setAttribute('readonly', ''); area.style.position = 'absolute'; area.style.left = '-9999px';
    document.body.appendChild(area); area.select();
    try { document.execCommand('copy'); done(); } finally { document.body.removeChild(area); }
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, fallback);
  } else {
    fallback();
  }
});

// Back and Forward after an htmx swap restore a snapshot of the page's markup, which htmx takes just before the next
// swap. Markup holds only the initial state of form controls (the value, checked and selected attributes), not what
// was changed since the page loaded, so the filters would come back as first rendered while the list and the URL
// come back filtered. After each swap, write the controls' state into the markup: the snapshot of this view then
// shows the controls as they were for it.
document.addEventListener('htmx:afterSettle', function () {
  document.querySelectorAll('form[hx-push-url]').forEach(function (form) {
    Array.prototype.forEach.call(form.elements, function (control) {
      if (control.type === 'checkbox' || control.type === 'radio') {
        control.defaultChecked = control.checked;
      } else if (control.tagName === 'SELECT') {
        Array.prototype.forEach.call(control.options, function (option) { option.defaultSelected = option.selected; });
      } else if ('defaultValue' in control) {
        control.defaultValue = control.value;
      }
    });
  });
});

// htmx leaves 4xx answers unswapped; a form marked data-swap-errors gets them shown in its target, so a refused
// query (a bad date) says why in place, as the full page does without JavaScript.
document.addEventListener('htmx:beforeSwap', function (event) {
  var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (event.detail.xhr.status === 400 && elt && elt.closest('[data-swap-errors]')) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

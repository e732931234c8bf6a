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

// htmx keeps a snapshot of the page for the back button, taken from the markup (attributes), not from what the
// user ticked or typed (properties). Once a result list has been swapped in, write the form's current state into
// its attributes, so a snapshot always shows the controls that produced the results beside them.
document.addEventListener('htmx:afterSettle', function () {
  var form = document.getElementById('models-form');
  if (!form) return;
  form.querySelectorAll('input, select').forEach(function (el) {
    if (el.type === 'checkbox' || el.type === 'radio') {
      el.toggleAttribute('checked', el.checked);
    } else if (el.tagName === 'SELECT') {
      Array.prototype.forEach.call(el.options, function (o) { o.toggleAttribute('selected', o.selected); });
    } else {
      el.setAttribute('value', el.value);
    }
  });
});

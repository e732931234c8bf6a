// Loaded before the body renders (not deferred) so styles meant for JavaScript pages apply without a flash; a file,
// not an inline script, so the Content-Security-Policy can forbid every inline script.
document.documentElement.classList.add('js');

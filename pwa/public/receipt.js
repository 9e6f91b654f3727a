// The receipt page's Print button (served at /receipt.js: the page's CSP allows no inline script).
document.getElementById('print')?.addEventListener('click', () => window.print())

// The key of the gateway's token check (njs 0.7+). See README.md, "Who is asking".
//
// The gateway does not verify tokens itself: accounts does, once a second per token, and nginx
// keeps its answer (location = /_session). That answer is looked up by this key: a SHA-256 of
// the whole Authorization header, so a verdict is only ever reused for the very same token
// (byte for byte, signature included) and no bearer token is written to the cache's disk.
// "" without an Authorization header: there is nothing to check, the service answers 401 itself.
//
// Kept this small on purpose: njs 0.7 runs every js_set in a fresh VM per request, and verifying
// the token here (HMAC, base64, JSON, regexes) cost about half of a cached poll's CPU.

import crypto from 'crypto';

function tokenKey(r) {
    const header = r.headersIn.Authorization;
    return header ? crypto.createHash('sha256').update(header).digest('base64url') : '';
}

export default { tokenKey };

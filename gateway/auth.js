// Micro-cache identity for the gateway (njs 0.7+).
//
// Verifies the caller's HS256 token with the services' SECRET_KEY (from the environment,
// kept for workers by `env SECRET_KEY;`) and names whose cached copy the caller may see:
//   "biz:<code>:<role>"            the URL is /api/<svc>/businesses/<code>/... and the token
//                                  proves membership of <code>: shared by that business's users
//                                  (of the same role) when the response says audience=business;
//   "user:<sub>:<role>:<biz,...>"  everything else: only this user (with these claims);
//   ""                             no valid token: the cache is neither read nor written.
// The response's audience is checked again in nginx.conf before anything is stored.

import crypto from 'crypto';

const ISSUER = 'tomtin-accounts';
const ROLES = ['owner', 'staff'];
// Matched on the raw request line (what the service will route), and only in a plain form
// (no dots, no percent-escapes), so nginx and the service cannot read different businesses.
const BUSINESS_URI = /^\/api\/[a-z]+\/businesses\/([a-z]+)\/[A-Za-z0-9_\/-]*(\?|$)/;

function sameString(a, b) {
    // Constant time for equal lengths: the signature is not leaked byte by byte.
    if (a.length !== b.length) {
        return false;
    }
    let diff = 0;
    for (let i = 0; i < a.length; i++) {
        diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
    }
    return diff === 0;
}

function decodePart(part) {
    return JSON.parse(Buffer.from(part, 'base64url').toString());
}

function verifiedClaims(r) {
    const secret = process.env.SECRET_KEY;
    const header = r.headersIn.Authorization || '';
    const match = /^Bearer\s+([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\s*$/i.exec(header);
    if (!secret || !match) {
        return null;
    }
    const expected = crypto.createHmac('sha256', secret).update(match[1] + '.' + match[2]).digest('base64url');
    if (!sameString(expected, match[3])) {
        return null;
    }
    const head = decodePart(match[1]);
    const claims = decodePart(match[2]);
    const valid =
        head.alg === 'HS256' &&
        claims.iss === ISSUER &&
        typeof claims.exp === 'number' &&
        claims.exp > Date.now() / 1000 &&
        typeof claims.sub === 'string' &&
        /^[0-9]+$/.test(claims.sub) &&
        typeof claims.jti === 'string' &&
        ROLES.indexOf(claims.role) !== -1 &&
        Array.isArray(claims.biz);
    return valid ? claims : null;
}

function claimsOf(r) {
    try {
        return verifiedClaims(r);
    } catch (e) {
        return null; // malformed base64 or JSON: no identity, no cache
    }
}

function identityOf(r, claims) {
    const business = BUSINESS_URI.exec(r.variables.request_uri);
    if (business && claims.biz.indexOf(business[1]) !== -1) {
        return 'biz:' + business[1] + ':' + claims.role;
    }
    return 'user:' + claims.sub + ':' + claims.role + ':' + claims.biz.join(',');
}

function idOf(claims) {
    return claims.jti.replace(/[^A-Za-z0-9_-]/g, '');
}

// "<token id> <identity>" ("" without a valid token), split by two maps in nginx.conf into the
// key of the gateway's short-lived logout check (location = /_session; the id, so no bearer token
// is written to disk) and the micro-cache identity. One signature check per request: nginx keeps
// the value for the rest of the request, and the logout-check subrequest shares it.
function verdict(r) {
    const claims = claimsOf(r);
    const id = claims ? idOf(claims) : '';
    return id ? id + ' ' + identityOf(r, claims) : '';
}

export default { verdict };

// A real OpenID Connect provider for the sign-in tests: the certified `oidc-provider`
// package, one issuer per municipality, each on its own loopback port.
//
//   node provider.mjs config.json
//
// config.json: {"issuers": {"a": {"port": 0, "clients": [...], "users": {...}}, ...},
//               "claims": {"scope": ["claim", ...]}, "acrValues": [...]}
// Prints one line of JSON once every issuer listens: {"a": "http://127.0.0.1:PORT", ...}.
//
// The provider is not mocked: discovery, authorization with PKCE, the token endpoint, the
// signed ID token, JWKS and RP-initiated logout are oidc-provider's own. What the tests add:
// - a one-page login (user name only), asked at every authorization, that finishes the interaction with the configured
//   user's `amr`/`acr`, and grants the requested scopes (no consent page);
// - /__test/users (POST JSON): replace the users, e.g. to change someone's groups;
// - /__test/tamper (POST JSON): change the *next* ID token from the token endpoint once,
//   to prove the portal refuses it: {"claims": {...}} re-signs it with the provider's own
//   key with those claims changed (expired, wrong issuer or audience); {"breakSignature":
//   true} changes the payload without signing again; {"replayNonce": true} puts the nonce of
//   the previous sign-in into it; {"issuedBy": "b"} replaces it with a token signed by
//   another issuer for its own client (a mix-up).

import http from 'node:http';
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const host = '127.0.0.1';

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function loginPage(uid, clientName, error) {
  return `<!DOCTYPE html><html lang="da"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Test-IdP</title></head>
<body><h1>Test-IdP: log ind</h1><p>Til ${escapeHtml(clientName)}</p>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}">
<label for="login">Brugernavn</label> <input id="login" name="login" autofocus>
<button type="submit">Fortsæt</button></form></body></html>`;
}

const issuers = {};

async function makeIssuer(name, spec) {
  const state = { users: spec.users || {}, tamper: null, lastNonce: null };
  const { privateKey, publicKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const privateJwk = { ...(await jose.exportJWK(privateKey)), kid: `${name}-key`, alg: 'RS256', use: 'sig' };
  const server = http.createServer();
  await new Promise((resolve) => server.listen(spec.port || 0, host, resolve));
  const issuer = `http://${host}:${server.address().port}`;

  const provider = new Provider(issuer, {
    clients: spec.clients,
    jwks: { keys: [privateJwk] },
    claims: config.claims,
    acrValues: config.acrValues || [],
    conformIdTokenClaims: false, // the claims of the granted scopes go into the ID token
    cookies: { keys: [`test-cookie-key-${name}`] },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    pkce: { required: () => true },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    async findAccount(ctx, id) {
      const user = state.users[id];
      if (!user) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...user.claims }; } };
    },
  });

  // Every authorization asks who signs in (the browser's session at the provider is not
  // used), so each test picks its person whatever signed in before.
  provider.use(async (ctx, next) => {
    if (ctx.path === '/auth') delete ctx.request.headers.cookie;
    await next();
  });

  // The test hook on the token endpoint: change the next ID token once.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path !== '/token' || ctx.status !== 200 || !ctx.body?.id_token) return;
    const original = ctx.body.id_token;
    const claims = jose.decodeJwt(original);
    const previousNonce = state.lastNonce;
    state.lastNonce = claims.nonce;
    const tamper = state.tamper;
    state.tamper = null;
    if (!tamper) return;
    const sign = (payload, jwk, key) => new jose.SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' }).sign(key);
    let token = original;
    if (tamper.claims) {
      token = await sign({ ...claims, ...tamper.claims }, privateJwk, privateKey);
    } else if (tamper.breakSignature) {
      const [header, , signature] = original.split('.');
      const payload = jose.base64url.encode(JSON.stringify({ ...claims, sub: 'someone-else' }));
      token = `${header}.${payload}.${signature}`;
    } else if (tamper.replayNonce) {
      token = await sign({ ...claims, nonce: previousNonce }, privateJwk, privateKey);
    } else if (tamper.issuedBy) {
      const other = issuers[tamper.issuedBy];
      token = await sign(
        { ...claims, iss: other.issuer, aud: other.clientId }, other.privateJwk, other.privateKey,
      );
    }
    ctx.body = { ...ctx.body, id_token: token };
  });

  const callback = provider.callback();
  server.on('request', async (req, res) => {
    try {
      const url = new URL(req.url, issuer);
      if (url.pathname.startsWith('/__test/') && req.method === 'POST') {
        const body = JSON.parse((await readBody(req)) || '{}');
        if (url.pathname === '/__test/users') state.users = body.users;
        else if (url.pathname === '/__test/tamper') state.tamper = body;
        else { res.writeHead(404).end(); return; }
        res.writeHead(204).end();
        return;
      }
      const match = url.pathname.match(/^\/interaction\/([\w-]+)$/);
      if (match) {
        const details = await provider.interactionDetails(req, res);
        const client = await provider.Client.find(details.params.client_id);
        const clientName = client?.clientName || details.params.client_id;
        if (req.method === 'GET') {
          res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
          res.end(loginPage(match[1], clientName));
          return;
        }
        const login = new URLSearchParams(await readBody(req)).get('login') || '';
        const user = state.users[login];
        if (!user) {
          res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
          res.end(loginPage(match[1], clientName, 'Ukendt bruger'));
          return;
        }
        const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
        grant.addOIDCScope(details.params.scope);
        const grantId = await grant.save();
        await provider.interactionFinished(
          req, res,
          { login: { accountId: login, amr: user.amr, acr: user.acr }, consent: { grantId } },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      callback(req, res);
    } catch (error) {
      console.error(error);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(error));
    }
  });

  issuers[name] = { issuer, privateJwk, privateKey, clientId: spec.clients[0].client_id };
  return issuer;
}

const addresses = {};
for (const [name, spec] of Object.entries(config.issuers)) {
  addresses[name] = await makeIssuer(name, spec);
}
process.stdout.write(`${JSON.stringify(addresses)}\n`);

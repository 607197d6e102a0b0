// A page on another origin uses the platform the way the React frontend does:
// every call is a fetch() from the browser, so CORS decides what the page may
// read. Run by tests/e2e/tests/flow.rs, which starts the services and the
// pages and checks the JSON this prints. Inputs come from the environment.
import { chromium } from 'playwright-core';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const inputs = {
  core: env('CORE_URL'),
  receipt: env('RECEIPT_URL'),
  messaging: env('MESSAGING_URL'),
  retailerPhone: env('RETAILER_PHONE'),
  retailerPassword: env('RETAILER_PASSWORD'),
  receiptId: env('RECEIPT_ID'),
  newPhone: env('NEW_PHONE'),
};

// What the allowed page does: sign up, an authenticated query, a statement's
// metadata and file, a verification code, and an error answer it must read.
async function asTheFrontend(i) {
  const gql = async (query, variables, token) => {
    const headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${i.core}/graphql`, {
      method: 'POST', headers, body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, requestId: res.headers.get('x-request-id'), body: await res.json() };
  };
  const out = {};
  const signUp = await gql(
    'mutation($i: SignUpInput) { signUp(input: $i) { accessToken } }',
    { i: { name: '브라우저꽃집', phoneNo: i.newPhone, password: 'browser123@@', role: 'RETAILER' } },
  );
  out.signUp = { status: signUp.status, gotToken: !!signUp.body.data?.signUp?.accessToken };
  const me = await gql('{ me { id name } }', {}, signUp.body.data?.signUp?.accessToken);
  out.me = { status: me.status, name: me.body.data?.me?.name, requestId: me.requestId };

  const signIn = await gql(
    'mutation($i: SignInInput) { signIn(input: $i) { accessToken } }',
    { i: { phoneNo: i.retailerPhone, password: i.retailerPassword } },
  );
  const token = signIn.body.data?.signIn?.accessToken;
  const auth = { authorization: `Bearer ${token}` };
  const meta = await fetch(`${i.receipt}/v1/receipts/${i.receiptId}`, { headers: auth });
  out.receipt = { status: meta.status, body: await meta.json() };
  const file = await fetch(`${i.receipt}/v1/receipts/${i.receiptId}/file`, { headers: auth });
  const bytes = new Uint8Array(await file.arrayBuffer());
  out.file = {
    status: file.status,
    contentType: file.headers.get('content-type'),
    contentDisposition: file.headers.get('content-disposition'),
    magic: String.fromCharCode(...bytes.slice(0, 4)),
  };

  const code = await fetch(`${i.messaging}/v1/verifications`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phoneNo: i.newPhone }),
  });
  out.verification = { status: code.status, body: await code.json() };

  // The live order board: a WebSocket from this page (browsers apply no CORS
  // to WebSockets, so core checks the Origin itself) that signs in with the
  // token in connection_init, as the frontend would.
  out.live = await new Promise((resolve) => {
    const ws = new WebSocket(`${i.core.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const timer = setTimeout(() => resolve({ acked: false, timeout: true }), 10000);
    ws.onopen = () => ws.send(JSON.stringify({
      type: 'connection_init', payload: { Authorization: `Bearer ${token}` },
    }));
    ws.onmessage = (m) => {
      if (JSON.parse(m.data).type === 'connection_ack') {
        clearTimeout(timer);
        resolve({ acked: true, protocol: ws.protocol });
        ws.close();
      }
    };
    ws.onclose = (e) => { clearTimeout(timer); resolve({ acked: false, code: e.code }); };
  });

  const expired = await fetch(`${i.core}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-token' },
    body: JSON.stringify({ query: '{ me { id } }' }),
  });
  out.unauthorized = { status: expired.status, body: await expired.json() };
  return out;
}

// What a page of an origin that is not allowed gets: nothing it can read.
async function asAStranger(i) {
  const live = await new Promise((resolve) => {
    const ws = new WebSocket(`${i.core.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const timer = setTimeout(() => resolve({ opened: false, timeout: true }), 10000);
    ws.onopen = () => { clearTimeout(timer); resolve({ opened: true }); ws.close(); };
    ws.onclose = (e) => { clearTimeout(timer); resolve({ opened: false, code: e.code }); };
  });
  try {
    await fetch(`${i.core}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    return { blocked: false, live };
  } catch (e) {
    return { blocked: true, error: String(e), live };
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage();
  await page.goto(env('PAGE_URL'));
  const allowed = await page.evaluate(asTheFrontend, inputs);
  await page.goto(env('BLOCKED_PAGE_URL'));
  const stranger = await page.evaluate(asAStranger, inputs);
  console.log(JSON.stringify({ origin: new URL(env('PAGE_URL')).origin, allowed, stranger }));
} finally {
  await browser.close();
}

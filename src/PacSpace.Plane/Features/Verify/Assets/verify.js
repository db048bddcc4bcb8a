// PacSpace verification page: every check runs here, in the visitor's browser, with WebCrypto (SHA-256, Ed25519).
// The page embeds the proof as inert JSON (#proof-data); nothing the server says about the outcome is read.
// The same checks as `pacspace verify` and PacSpace.Ledger: RFC 6962 leaf and node hashes, RFC 9162 inclusion and
// consistency proofs, C2SP signed notes, and the period statement signed over "pacspace-period/v1\n" ‖ JCS(statement).
(() => {
  'use strict';

  const PERIOD_PREFIX = 'pacspace-period/v1\n';
  const SIGNATURE_LINE = '\u2014 ';
  const MAX_SIGNATURES = 100;
  // RFC 8032 §7.1, test 1: a known-good key, empty message and signature, to tell "no Ed25519 here" from "bad signature".
  const PROBE_KEY = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
  const PROBE_SIGNATURE = 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';

  const utf8 = new TextEncoder();

  /** A check that did not hold; its message names the check. */
  class Failed extends Error {}

  const fail = (message) => { throw new Failed(message); };

  // ---- bytes ------------------------------------------------------------------------------------------------

  const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

  const fromHex = (text, length) => {
    if (typeof text !== 'string' || text.length % 2 !== 0 || !/^[0-9a-f]*$/.test(text)) {
      return null;
    }
    const bytes = new Uint8Array(text.length / 2);
    for (let i = 0; i < bytes.length; i++) {
      bytes[i] = parseInt(text.substr(2 * i, 2), 16);
    }
    return length === undefined || bytes.length === length ? bytes : null;
  };

  const toBase64 = (bytes) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));

  // Canonical base64 only (what encoding the bytes again gives back), as the Ledger library reads it.
  const fromBase64 = (text, length) => {
    if (typeof text !== 'string' || text.length === 0 || text.length % 4 !== 0) {
      return null;
    }
    let binary;
    try {
      binary = atob(text);
    } catch {
      return null;
    }
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    if (toBase64(bytes) !== text) {
      return null;
    }
    return length === undefined || bytes.length === length ? bytes : null;
  };

  const concat = (...parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };

  const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

  const readUint64 = (bytes, at) => {
    let v = 0n;
    for (let i = 0; i < 8; i++) {
      v = (v << 8n) | BigInt(bytes[at + i]);
    }
    return v;
  };

  const readInt128 = (bytes, at) => {
    let v = 0n;
    for (let i = 0; i < 16; i++) {
      v = (v << 8n) | BigInt(bytes[at + i]);
    }
    return bytes[at] & 0x80 ? v - (1n << 128n) : v;
  };

  /** A whole number from the proof data as a BigInt, or a failure naming the field. */
  const whole = (value, what) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      fail(`${what} is not a whole number`);
    }
    return BigInt(value);
  };

  const timeOf = (ms) => (ms <= 8640000000000000n ? new Date(Number(ms)).toISOString() : `${ms} ms`);

  // ---- hashes and signatures --------------------------------------------------------------------------------

  const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));

  const hashLeaf = (entry) => sha256(concat(Uint8Array.of(0), entry));

  const hashChildren = (left, right) => sha256(concat(Uint8Array.of(1), left, right));

  const emptyRoot = () => sha256(new Uint8Array(0));

  const ed25519 = async (publicKey, data, signature) => {
    if (publicKey.length !== 32 || signature.length !== 64) {
      return false;
    }
    try {
      const key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
      return await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, data);
    } catch {
      // A key the browser refuses to import (not a curve point) vouches for nothing.
      return false;
    }
  };

  const supportsEd25519 = async () => {
    try {
      const key = await crypto.subtle.importKey('raw', fromHex(PROBE_KEY), { name: 'Ed25519' }, false, ['verify']);
      return await crypto.subtle.verify({ name: 'Ed25519' }, key, fromHex(PROBE_SIGNATURE), new Uint8Array(0));
    } catch {
      return false;
    }
  };

  // ---- RFC 9162 proofs (sizes as BigInt: JavaScript's bit operators stop at 32 bits) --------------------------

  const verifyInclusion = async (index, size, leafHash, proof, root) => {
    if (index < 0n || index >= size) {
      return false;
    }
    let fn = index;
    let sn = size - 1n;
    let r = leafHash;
    for (const p of proof) {
      if (sn === 0n) {
        return false;
      }
      if ((fn & 1n) === 1n || fn === sn) {
        r = await hashChildren(p, r);
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      } else {
        r = await hashChildren(r, p);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    return sn === 0n && same(r, root);
  };

  const verifyConsistency = async (oldSize, newSize, oldRoot, newRoot, proof) => {
    if (oldSize < 0n || newSize < oldSize) {
      return false;
    }
    if (oldSize === newSize) {
      return proof.length === 0 && same(oldRoot, newRoot);
    }
    if (oldSize === 0n) {
      // Strict, as the Ledger library: only the empty tree's root stands for size 0.
      return proof.length === 0 && same(oldRoot, await emptyRoot());
    }
    if (proof.length === 0) {
      return false;
    }
    let next = 0;
    let fr;
    if ((oldSize & (oldSize - 1n)) === 0n) {
      fr = oldRoot;
    } else {
      fr = proof[0];
      next = 1;
    }
    let sr = fr;
    let fn = oldSize - 1n;
    let sn = newSize - 1n;
    while ((fn & 1n) === 1n) {
      fn >>= 1n;
      sn >>= 1n;
    }
    for (let i = next; i < proof.length; i++) {
      const c = proof[i];
      if (sn === 0n) {
        return false;
      }
      if ((fn & 1n) === 1n || fn === sn) {
        fr = await hashChildren(c, fr);
        sr = await hashChildren(c, sr);
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      } else {
        sr = await hashChildren(sr, c);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    return sn === 0n && same(fr, oldRoot) && same(sr, newRoot);
  };

  const hashList = (list, what) => {
    if (!Array.isArray(list)) {
      fail(`${what} is not a list of hashes`);
    }
    return list.map((h, i) => fromHex(h, 32) || fail(`${what} hash ${i + 1} is not a SHA-256 hash`));
  };

  // ---- RFC 8785 canonical JSON (the period statement holds strings and whole numbers) --------------------------

  const canonical = (value) => {
    if (value === null || typeof value === 'boolean' || typeof value === 'string') {
      return JSON.stringify(value);
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        fail('the period statement holds a number JSON cannot carry');
      }
      return JSON.stringify(value);
    }
    if (Array.isArray(value)) {
      return `[${value.map(canonical).join(',')}]`;
    }
    // Property names sorted by UTF-16 code units, which is what sort() compares.
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  };

  // ---- C2SP signed notes and checkpoints --------------------------------------------------------------------

  const wellFormed = (text) => typeof text.isWellFormed !== 'function' || text.isWellFormed();

  const validKeyName = (name) => typeof name === 'string' && name.length > 0 && wellFormed(name) && !/[+\s]/u.test(name);

  // SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key)[:4]: the key id a signature line names.
  const keyId = async (name, publicKey) => (await sha256(concat(utf8.encode(name), Uint8Array.of(0x0a, 0x01), publicKey))).slice(0, 4);

  /** The log's key as the page shows it, checked against the verifier key printed beside it. */
  const readKey = async (data) => {
    const publicKey = fromBase64(data.publicKey, 32) || fail("the log's public key is not 32 bytes of base64");
    if (!validKeyName(data.keyName)) {
      fail("the log's key name is not valid");
    }
    const id = await keyId(data.keyName, publicKey);
    const parts = typeof data.verifierKey === 'string' ? data.verifierKey.split('+') : [];
    const typed = parts.length >= 3 ? fromBase64(parts.slice(2).join('+'), 33) : null;
    if (parts.length < 3 || parts[0] !== data.keyName || parts[1] !== toHex(id) || !typed || typed[0] !== 0x01 || !same(typed.slice(1), publicKey)) {
      fail("the verifier key does not match the log's public key");
    }
    return { name: data.keyName, publicKey, id };
  };

  /** The signed body of a note, once the log's key has signed it; a failure names what is wrong. */
  const openNote = async (note, key) => {
    if (typeof note !== 'string' || !wellFormed(note) || /[\u0000-\u0009\u000b-\u001f]/.test(note)) {
      fail('the signed head is not a signed note');
    }
    const split = note.lastIndexOf('\n\n');
    const text = split < 0 ? '' : note.slice(0, split + 1);
    const block = split < 0 ? '' : note.slice(split + 2);
    if (split < 0 || block.length === 0 || !block.endsWith('\n')) {
      fail('the signed head is not a signed note');
    }
    const lines = block.slice(0, -1).split('\n');
    if (lines.length > MAX_SIGNATURES) {
      fail('the signed head carries too many signatures');
    }
    let candidate = null;
    for (const line of lines) {
      const rest = line.startsWith(SIGNATURE_LINE) ? line.slice(SIGNATURE_LINE.length) : null;
      const space = rest === null ? -1 : rest.indexOf(' ');
      const name = space < 0 ? null : rest.slice(0, space);
      const blob = space < 0 ? null : fromBase64(rest.slice(space + 1));
      if (!validKeyName(name) || !blob || blob.length <= 4) {
        fail("the signed head has a malformed signature line");
      }
      if (candidate === null && name === key.name && same(blob.slice(0, 4), key.id)) {
        candidate = blob;
      }
    }
    if (candidate === null) {
      fail("the signed head carries no signature by the log's key");
    }
    if (!(await ed25519(key.publicKey, utf8.encode(text), candidate.slice(4)))) {
      fail("signature does not verify with the log's key");
    }
    return text;
  };

  /** origin, size and root of a tlog checkpoint body, strictly (one spelling per checkpoint). */
  const parseHead = (body) => {
    const lines = body.endsWith('\n') ? body.slice(0, -1).split('\n') : [];
    const root = lines.length === 3 ? fromBase64(lines[2], 32) : null;
    if (lines.length !== 3 || lines[0].length === 0 || !/^(0|[1-9][0-9]*)$/.test(lines[1]) || !root) {
      fail('the signed head is not a checkpoint of origin, size and root');
    }
    return { origin: lines[0], size: BigInt(lines[1]), root };
  };

  /** The proof root the visitor asked for: from the address bar, not from the page. */
  const proofRootInAddress = () => {
    const segment = location.pathname.split('/').pop() || '';
    let text;
    try {
      text = decodeURIComponent(segment);
    } catch {
      return null;
    }
    const hex = (/^0x/i.test(text) ? text.slice(2) : text).toLowerCase();
    return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
  };

  // ---- the two kinds of page --------------------------------------------------------------------------------

  const periodChecks = (data, c) => {
    const s = data.periodStatement;
    return [
      ['key', async () => {
        c.key = await readKey(data);
        return `Ed25519 key ${c.key.name}, key id ${toHex(c.key.id)}`;
      }],
      ['head', async () => {
        c.head = parseHead(await openNote(data.checkpoint, c.key));
        if (c.head.origin !== data.origin) {
          fail('the signed head names another log');
        }
        return `signed by the log's key: ${c.head.origin}, size ${c.head.size}, root ${toHex(c.head.root)}`;
      }],
      ['root', async () => {
        const asked = proofRootInAddress() || data.proofRoot;
        if (toHex(c.head.root) !== asked) {
          fail('proof root does not match the signed head');
        }
        return `the signed root is the proof root ${asked}`;
      }],
      ['statement-signature', async () => {
        if (s === null || typeof s !== 'object' || Array.isArray(s)) {
          fail('the period statement is missing');
        }
        const signature = fromBase64(data.signature, 64) || fail("the period statement's signature is not 64 bytes of base64");
        if (!(await ed25519(c.key.publicKey, utf8.encode(PERIOD_PREFIX + canonical(s)), signature))) {
          fail("the period statement's signature does not verify with the log's key");
        }
        return 'Ed25519 over "pacspace-period/v1\\n" ‖ JCS(statement), by the log\'s key';
      }],
      ['statement', async () => {
        if (s.rootHash !== toHex(c.head.root)) {
          fail('proof root does not match the statement');
        }
        if (s.origin !== c.head.origin) {
          fail('the statement names another log');
        }
        if (whole(s.toSize, "the statement's toSize") !== c.head.size) {
          fail(`the statement ends at size ${s.toSize}, the signed head is at size ${c.head.size}`);
        }
        return `${s.period}: entries ${s.fromSize} to ${s.toSize}, ${s.deltaCount} deltas, net change ${s.netChange}`;
      }],
      ['consistency', async () => {
        const k = data.consistency || {};
        const from = whole(s.fromSize, "the statement's fromSize");
        if (k.prevRoot !== s.prevRoot || k.fromSize !== s.fromSize || k.toSize !== s.toSize) {
          fail('the consistency proof is not for the statement\'s range');
        }
        const prev = fromHex(s.prevRoot, 32) || fail("the statement's prevRoot is not a SHA-256 hash");
        const proof = hashList(k.proof, 'the consistency proof');
        if (!(await verifyConsistency(from, c.head.size, prev, c.head.root, proof))) {
          fail('the consistency proof from the previous checkpoint does not hold');
        }
        return from === 0n
          ? 'the window starts with the log: nothing before it to be consistent with'
          : `the log at size ${c.head.size} extends the log at size ${from} (root ${s.prevRoot}); ${proof.length} hashes`;
      }],
    ];
  };

  const describeEntry = (entry) => {
    if (entry.length === 81 && entry[0] === 0x01 && readUint64(entry, 73) === 0n) {
      const prev = readUint64(entry, 17);
      const fields = {
        kind: 'delta entry (81 bytes)', recordedAt: timeOf(readUint64(entry, 1)), seq: String(readUint64(entry, 9)),
        previous: prev === 0n ? 'none' : String(prev - 1n), balanceAfter: String(readInt128(entry, 25)),
      };
      return {
        contentHash: entry.slice(41, 73),
        fields,
        text: `delta entry: recorded ${fields.recordedAt}, customerSeq ${fields.seq}, previous index ${fields.previous}, balance after ${fields.balanceAfter}`,
      };
    }
    if (entry.length === 66 && entry[0] === 0x02 && readUint64(entry, 58) === 0n && entry[25] >= 1 && entry[25] <= 3) {
      const prev = readUint64(entry, 17);
      const fields = {
        kind: 'record entry (66 bytes)', recordedAt: timeOf(readUint64(entry, 1)), seq: String(readUint64(entry, 9)),
        lifecycle: ['recorded', 'amended', 'closed'][entry[25] - 1], previous: prev === 0n ? 'none' : String(prev - 1n),
      };
      return {
        contentHash: entry.slice(26, 58),
        fields,
        text: `record entry: recorded ${fields.recordedAt}, seq ${fields.seq}, ${fields.lifecycle}, previous index ${fields.previous}`,
      };
    }
    return null;
  };

  const receiptChecks = (data, c) => {
    return [
      ['entry', async () => {
        c.entry = fromBase64(data.entry) || fail('the entry is not base64');
        const described = describeEntry(c.entry) || fail('the entry is not a version-1 delta or record entry');
        if (toHex(described.contentHash) !== data.contentHash) {
          fail('the entry does not commit to the content hash shown');
        }
        c.entryFields = { ...described.fields, contentHash: data.contentHash, entry: data.entry };
        return `${described.text}; content hash ${data.contentHash}`;
      }],
      ['leaf', async () => {
        c.index = whole(data.index, 'the index');
        const leaf = await hashLeaf(c.entry);
        if (toHex(leaf) !== data.leafHash) {
          fail(`leaf ${c.index} hash does not match the entry`);
        }
        c.leaf = leaf;
        Object.assign(c.entryFields, { leafHash: toHex(leaf), index: String(c.index) });
        return `SHA-256(0x00 ‖ entry) = ${toHex(leaf)}`;
      }],
      ['key', async () => {
        c.key = await readKey(data);
        return `Ed25519 key ${c.key.name}, key id ${toHex(c.key.id)}`;
      }],
      ['head', async () => {
        c.head = parseHead(await openNote(data.checkpoint, c.key));
        if (c.head.origin !== data.origin) {
          fail('the signed head names another log');
        }
        const size = whole(data.treeSize, 'the tree size');
        if (c.head.size !== size) {
          fail(`the signed head is for tree size ${c.head.size}, the proof for ${size}`);
        }
        return `signed by the log's key: ${c.head.origin}, size ${c.head.size}, root ${toHex(c.head.root)}`;
      }],
      ['inclusion', async () => {
        const proof = hashList(data.inclusionProof, 'the inclusion proof');
        if (!(await verifyInclusion(c.index, c.head.size, c.leaf, proof, c.head.root))) {
          fail(`the inclusion proof does not lead from leaf ${c.index} to the signed root`);
        }
        return `leaf ${c.index} is in the signed tree of ${c.head.size} entries (${proof.length} hashes)`;
      }],
    ];
  };

  // ---- a customer's closing balance, against a verified statement's balances root ------------------------------

  /** The balance proof and customer id in what was pasted: a balanceProof itself, or an answer that holds one. */
  const findBalanceProof = (value) => {
    let node = value && typeof value === 'object' && value.data && typeof value.data === 'object' ? value.data : value;
    let customerId = node && typeof node.customerId === 'string' ? node.customerId : null;
    if (node && node.customer && typeof node.customer === 'object') {
      customerId = typeof node.customer.customerId === 'string' ? node.customer.customerId : customerId;
      node = node.customer;
    }
    if (node && node.balanceProof && typeof node.balanceProof === 'object') {
      node = node.balanceProof;
    }
    return node && typeof node === 'object' && 'leaf' in node ? { proof: node, customerId } : null;
  };

  const checkBalance = async (statement, customerText, proofText) => {
    let pasted;
    try {
      pasted = JSON.parse(proofText);
    } catch {
      fail('the balance proof is not JSON');
    }
    const found = findBalanceProof(pasted) || fail('no balance proof (an object with leaf, leafIndex, leafCount and proof) in what was pasted');
    const customerId = customerText || found.customerId || fail('give the customer id: the pasted proof does not name it');
    const leaf = fromHex(found.proof.leaf, 65) || fail('the leaf is not 65 bytes of hex');
    if (leaf[0] !== 0x02) {
      fail('the leaf is not a closing-balance leaf');
    }
    if (!same(leaf.slice(1, 33), await sha256(utf8.encode(customerId)))) {
      fail(`the leaf is not the leaf of customer ${customerId}`);
    }
    const index = whole(found.proof.leafIndex, 'the leaf index');
    const count = whole(found.proof.leafCount, 'the leaf count');
    if (count !== whole(statement.customerCount, "the statement's customer count")) {
      fail(`the proof is for ${count} customers, the statement has ${statement.customerCount}`);
    }
    const root = fromHex(statement.balancesRoot, 32) || fail("the statement's balances root is not a SHA-256 hash");
    const proof = hashList(found.proof.proof, 'the balance proof');
    if (!(await verifyInclusion(index, count, await hashLeaf(leaf), proof, root))) {
      fail(`the balance proof does not lead from leaf ${index} to the statement's balances root`);
    }
    return `Customer ${customerId} closes the period at ${readInt128(leaf, 49)}: leaf ${index} of ${count} under the signed balances root `
      + `(its last delta up to the period's end is its delta number ${readUint64(leaf, 33)}, log entry ${readUint64(leaf, 41)}).`;
  };

  const offerBalanceCheck = (statement) => {
    const form = document.getElementById('balance-form');
    const result = document.getElementById('balance-status');
    const needs = document.getElementById('balance-needs');
    if (!form || !result) {
      return;
    }
    form.hidden = false;
    if (needs) {
      needs.hidden = true;
    }
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      result.hidden = false;
      result.dataset.verified = 'pending';
      result.replaceChildren(document.createTextNode('Checking in your browser…'));
      const show = (verified, headline, detail) => {
        result.dataset.verified = verified;
        const strong = document.createElement('strong');
        strong.textContent = headline;
        const p = document.createElement('p');
        p.textContent = detail;
        result.replaceChildren(strong, p);
      };
      try {
        const text = await checkBalance(statement, document.getElementById('balance-customer').value.trim(), document.getElementById('balance-proof').value);
        show('true', 'Closing balance verified in your browser', text);
      } catch (e) {
        show('false', 'Closing balance not verified', e instanceof Failed ? e.message : `the check could not run (${e && e.message})`);
      }
    });
  };

  // ---- the page ---------------------------------------------------------------------------------------------

  /** Writes the verified values over what the server rendered (elements marked data-checked="statement:…" or "head:…"). */
  const showChecked = (data, checked) => {
    const s = data.kind === 'period' ? data.periodStatement : {};
    const values = {
      head: { origin: checked.head.origin, size: String(checked.head.size), root: toHex(checked.head.root) },
      statement: data.kind === 'period'
        ? {
          ...s,
          window: `${s.startDate} to ${s.endDate} (UTC; the end is not included)`,
          range: `${s.fromSize} to ${s.toSize}`,
          signature: data.signature,
        }
        : {},
      entry: checked.entryFields || {},
    };
    for (const element of document.querySelectorAll('[data-checked]')) {
      const [group, name] = element.dataset.checked.split(':');
      const value = values[group] ? values[group][name] : undefined;
      if (value !== undefined && value !== null && typeof value !== 'object') {
        (element.querySelector('code') || element).textContent = String(value);
      }
    }
  };

  const status = document.getElementById('verify-status');
  const source = document.getElementById('proof-data');
  if (!status || !source) {
    return;
  }

  const report = (verified, headline, detail) => {
    status.dataset.verified = verified;
    const strong = document.createElement('strong');
    strong.textContent = headline;
    const p = document.createElement('p');
    p.textContent = detail;
    status.replaceChildren(strong, p);
  };

  const mark = (name, outcome, detail) => {
    const item = document.querySelector(`#verify-steps [data-step="${name}"]`);
    if (!item) {
      return;
    }
    item.dataset.result = outcome;
    item.querySelector('.step-result').textContent = { ok: 'ok', failed: 'failed', skipped: 'not run' }[outcome];
    item.querySelector('.step-detail').textContent = detail;
  };

  const run = async () => {
    status.dataset.verified = 'pending';
    status.replaceChildren(document.createTextNode('Checking in your browser…'));
    let data;
    try {
      data = JSON.parse(source.textContent);
    } catch {
      report('false', 'Not verified', 'the proof data on this page cannot be read');
      return;
    }

    if (!globalThis.crypto || !crypto.subtle) {
      report('unsupported', 'Your browser cannot check this page',
        'WebCrypto is not available here (browsers offer it on HTTPS pages only). Verify offline with the commands below.');
      return;
    }

    if (!(await supportsEd25519())) {
      report('unsupported', 'Your browser cannot check Ed25519 signatures',
        'This browser has no Ed25519 in WebCrypto, so the signatures cannot be checked here. Use a current browser, or verify offline with the commands below.');
      return;
    }

    const checked = {};
    const checks = data && data.kind === 'period' ? periodChecks(data, checked) : data && data.kind === 'receipt' ? receiptChecks(data, checked) : null;
    if (!checks) {
      report('false', 'Not verified', 'the proof data on this page is of no known kind');
      return;
    }

    let failed = false;
    for (const [name, check] of checks) {
      if (failed) {
        mark(name, 'skipped', '');
        continue;
      }
      try {
        mark(name, 'ok', await check());
      } catch (e) {
        const message = e instanceof Failed ? e.message : `the check could not run (${e && e.message})`;
        mark(name, 'failed', message);
        report('false', 'Not verified', message);
        failed = true;
      }
    }

    if (!failed) {
      showChecked(data, checked);
      report('true', 'Verified in your browser', data.kind === 'period'
        ? "The signed head and the period statement are signed by the log's key shown below, they name this proof root, and the log extends the previous checkpoint."
        : "The entry's leaf is in the tree whose head is signed by the log's key shown below.");
      if (data.kind === 'period') {
        offerBalanceCheck(data.periodStatement);
      }
    }
  };

  run();
})();

// Fills Phiếu B with the ODK form engine (the engine of ODK Web Forms) against a running server:
// downloads the form list, the form and its CSV media over HTTP Digest, picks a household from
// the preloaded list, checks last year's answers, fills every member (preloaded from
// members.csv), adds a newborn and submits.
//
// Environment: GIAMNGHEO_URL (server root), ODK_COMMUNE, ODK_USERNAME, ODK_PASSWORD,
// ODK_HOUSEHOLD (household code to survey), ODK_RESULT (file to write the instance ID to).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { JSDOM } from 'jsdom';

// The engine parses XML with the DOM, as in a browser.
const { window } = new JSDOM('');
globalThis.DOMParser = window.DOMParser;
globalThis.XMLSerializer = window.XMLSerializer;
globalThis.Node = window.Node;
globalThis.document = window.document;
// The bundled XPath parser (web-tree-sitter) expects a CommonJS __dirname under Node.
globalThis.__dirname = process.cwd();
const { createInstance } = await import('@getodk/xforms-engine');

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const base = `${env('GIAMNGHEO_URL')}/api/openrosa/${env('ODK_COMMUNE')}`;
const md5 = (text) => createHash('md5').update(text).digest('hex');

// HTTP Digest (RFC 2617, qop=auth) with nonce reuse, as ODK Collect does it.
const digest = { challenge: null, nc: 0 };
function authorization(method, url) {
  const params = Object.fromEntries(
    [...digest.challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
  );
  const uri = new URL(url).pathname + new URL(url).search;
  digest.nc += 1;
  const nc = digest.nc.toString(16).padStart(8, '0');
  const cnonce = randomBytes(8).toString('hex');
  const ha1 = md5(`${env('ODK_USERNAME')}:${params.realm}:${env('ODK_PASSWORD')}`);
  const ha2 = md5(`${method}:${uri}`);
  const response = md5(`${ha1}:${params.nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return (
    `Digest username="${env('ODK_USERNAME')}", realm="${params.realm}", nonce="${params.nonce}", ` +
    `uri="${uri}", qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}", ` +
    `opaque="${params.opaque ?? ''}", algorithm=MD5`
  );
}

async function odkFetch(url, { method = 'GET', body } = {}) {
  const headers = { 'X-OpenRosa-Version': '1.0' };
  if (digest.challenge) headers.Authorization = authorization(method, url);
  let response = await fetch(url, { method, body, headers, redirect: 'manual' });
  if (response.status === 401) {
    digest.challenge = response.headers.get('WWW-Authenticate');
    digest.nc = 0;
    assert.match(digest.challenge, /^Digest /);
    headers.Authorization = authorization(method, url);
    response = await fetch(url, { method, body, headers, redirect: 'manual' });
  }
  assert.equal(response.headers.get('X-OpenRosa-Version'), '1.0');
  assert.ok(response.headers.get('Date'));
  return response;
}

const tag = (xml, name) => [...xml.matchAll(new RegExp(`<${name}>(.*?)</${name}>`, 'g'))].map((m) => m[1]);

function find(node, nodeset) {
  if (node.definition?.nodeset === nodeset) return node;
  for (const child of node.currentState.children ?? []) {
    const found = find(child, nodeset);
    if (found) return found;
  }
  return null;
}

test('an enumerator fills and submits Phiếu B with the ODK form engine', async () => {
  const list = await (await odkFetch(`${base}/formList`)).text();
  const [formUrl] = tag(list, 'downloadUrl');
  const [manifestUrl] = tag(list, 'manifestUrl');
  const [formHash] = tag(list, 'hash');
  const formXml = await (await odkFetch(formUrl)).text();
  assert.equal(formHash, `md5:${md5(Buffer.from(formXml, 'utf8'))}`);

  const manifest = await (await odkFetch(manifestUrl)).text();
  const media = Object.fromEntries(
    tag(manifest, 'filename').map((name, i) => [name, tag(manifest, 'downloadUrl')[i]]),
  );
  assert.deepEqual(Object.keys(media).sort(), ['households.csv', 'members.csv']);

  const instance = await createInstance(formXml, {
    form: {
      fetchFormAttachment: async (url) => {
        const name = String(url).split('/').pop();
        const response = await odkFetch(media[name]);
        const text = await response.text();
        return new Response(text, { headers: { 'Content-Type': 'text/csv' } });
      },
    },
  });
  const root = instance.root;
  const vi = root.languages.find((l) => l.language.startsWith('Tiếng Việt'));
  assert.ok(vi, 'the form is in Vietnamese');
  root.setLanguage(vi);

  const household = find(root, '/data/household');
  const options = household.currentState.valueOptions.map((o) => o.value);
  assert.ok(options.includes(env('ODK_HOUSEHOLD')), `household list: ${options}`);
  household.selectValue(env('ODK_HOUSEHOLD'));
  assert.equal(find(root, '/data/last_year').currentState.value, '2024');
  assert.equal(find(root, '/data/last_income').currentState.value, '1200000');

  find(root, '/data/income/income_per_capita_month').setValue(1450000);
  find(root, '/data/income/nlnn').selectValue('yes');
  find(root, '/data/housing/housing_type').selectValue('less_solid');
  find(root, '/data/housing/floor_area_m2').setValue(24.5);
  find(root, '/data/water/domestic_water').selectValue('safe');
  find(root, '/data/water/hygienic_latrine').selectValue('yes');
  find(root, '/data/information/uses_telecom').selectValue('yes');
  find(root, '/data/information/info_devices').selectValues(['smartphone', 'tv']);
  find(root, '/data/information/hears_loudspeaker').selectValue('no');

  // One repeat row per registered member (jr:count from the preloaded member count), each
  // starting from last year's values (dynamic defaults looked up in members.csv).
  assert.equal(find(root, '/data/member_count').currentState.value, '2');
  const range = find(root, '/data/members');
  assert.equal(range.currentState.children.length, 2, 'one row per registered member');
  // A select's value is the list of chosen options.
  const chosen = (node) => [node.currentState.value].flat()[0] ?? '';
  range.currentState.children.forEach((repeat, i) => {
    const set = (name) => find(repeat, `/data/members/${name}`);
    assert.notEqual(set('member_id').currentState.value, '', 'a registered member');
    assert.equal(chosen(set('sex')), i === 0 ? 'male' : 'female', 'preloaded sex');
    assert.equal(chosen(set('relation')), i === 0 ? 'head' : 'spouse');
    assert.equal(chosen(set('status')), 'present');
    assert.equal(set('change_date').currentState.relevant, false, 'asked only of who left');
    set('date_of_birth').setValue(i === 0 ? '1980-05-01' : '1982-03-08');
    set('health_insurance').selectValue('yes');
    set('in_school').selectValue('no');
    set('diploma').selectValue('lower_secondary');
    set('vocational_training').selectValue('no');
    set('employment').selectValue('self_employed');
    set('working_capacity').selectValue('yes');
    set('disability').selectValue('none');
    set('social_allowance').selectValue('no');
    set('ill_untreated').selectValue('no');
    assert.equal(set('child_nutrition').currentState.relevant, false, 'asked only of children');
  });

  // A baby was born: one more row, with no member ID, asked who they are.
  find(root, '/data/added_count').setValue(1);
  assert.equal(range.currentState.children.length, 3, 'a row for the new member');
  const baby = range.currentState.children[2];
  const set = (name) => find(baby, `/data/members/${name}`);
  assert.equal(set('member_id').currentState.value, '');
  assert.equal(set('status').currentState.relevant, false);
  set('arrival').selectValue('born');
  set('full_name').setValue('Nguyễn Thị Bé');
  set('sex').selectValue('female');
  set('date_of_birth').setValue('2025-06-01');
  set('relation').selectValue('child');
  set('health_insurance').selectValue('yes');
  set('in_school').selectValue('no');
  set('diploma').selectValue('none');
  set('vocational_training').selectValue('no');
  set('employment').selectValue('not_in_labour_force');
  set('working_capacity').selectValue('no');
  set('disability').selectValue('none');
  set('social_allowance').selectValue('no');
  set('child_nutrition').selectValue('normal');
  set('ill_untreated').selectValue('no');

  const photo = new File([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])], 'ảnh nhà.jpg', {
    type: 'image/jpeg',
  });
  find(root, '/data/dwelling_photo').setValue(photo);

  const payload = await root.prepareInstancePayload();
  assert.equal(payload.status, 'ready', JSON.stringify(payload.violations));
  const [data] = payload.data;
  const xml = await data.get('xml_submission_file').text();
  assert.match(xml, /<household>/);

  const head = await odkFetch(`${base}/submission`, { method: 'HEAD' });
  assert.equal(head.status, 204);
  const response = await odkFetch(`${base}/submission`, { method: 'POST', body: data });
  const body = await response.text();
  assert.equal(response.status, 201, body);
  assert.match(body, /OpenRosaResponse/);
  writeFileSync(env('ODK_RESULT'), JSON.stringify({ instanceID: payload.submissionMeta.instanceID ?? null, xml }));
});

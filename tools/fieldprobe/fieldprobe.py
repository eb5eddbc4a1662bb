# fieldprobe: field-shaped queries made from a national registry's own records (camreg gen --seed 1
# --scale national, read from /work/nat/gen or argv[2]), sent through GET /v1/search of a running
# camreg serve (argv[1]); prints recall@1/@3 by kind and the queries not answered first.
#   python3 tools/fieldprobe/fieldprobe.py http://127.0.0.1:8080 /path/to/gen
import csv, json, random, sys, urllib.request, urllib.parse, collections, unicodedata, re
base = sys.argv[1]
gen = sys.argv[2] if len(sys.argv) > 2 else '/work/nat/gen'
random.seed(7)
def fold(s):
    s = s.replace('đ', 'd').replace('Đ', 'D')
    return ''.join(c for c in unicodedata.normalize('NFD', s) if unicodedata.category(c) != 'Mn').lower()
def key(s): return re.sub(r'[^0-9a-z]', '', fold(s))
orgs = [r for r in csv.DictReader(open(gen + '/organizations.csv')) if r['tax_code'] and r['address']]
models = [r for r in csv.DictReader(open(gen + '/models.csv')) if r['status'] == 'verified']
qs = []
pick = random.choice
for m in random.sample(models, 60):
    mn = m['model_number']
    f = pick([mn + ' 2.8mm', mn + ' (4mm)', 'camera ' + mn + ' chính hãng', 'camera ip ' + m['brand'] + ' ' + mn, mn + ' 4MP', mn.lower() + ' wifi'])
    qs.append(('model_spec', f, 'model', key(mn)))
for m in [x for x in models if x['brand'] == 'Dahua'][:0] + random.sample([x for x in models if x['brand'] == 'Dahua'], 15):
    qs.append(('model_vendor_form', 'DH-' + m['model_number'], 'model', key(m['model_number'])))
for m in random.sample([x for x in models if '-' in x['model_number']], 20):
    qs.append(('model_unicode', m['model_number'].replace('-', '–'), 'model', key(m['model_number'])))
heads = [o for o in orgs if '-' not in o['tax_code']]
codes = collections.Counter(o['tax_code'][:10] for o in orgs)
for o in random.sample(heads, 20):
    qs.append(('tax_code_branch', o['tax_code'] + pick(['-001', ' - 002', '001']), 'org', o['tax_code']))
for o in random.sample([o for o in orgs if '-' in o['tax_code']], 10):
    qs.append(('tax_code_branch_written', 'MST ' + o['tax_code'], 'org', o['tax_code']))
abbr = {'TP. Hồ Chí Minh': ['TP.HCM', 'TPHCM', 'HCM', 'Sài Gòn'], 'Hà Nội': ['HN', 'TP. Hà Nội'], 'TP. Hải Phòng': ['HP'], 'TP. Cần Thơ': ['CT', 'Cần Thơ'], 'TP. Đà Nẵng': ['ĐN']}
for o in random.sample(orgs, 40):
    parts = [p.strip() for p in o['address'].split(',')]
    if len(parts) < 3 or not parts[-2].startswith('phường'):
        continue
    street = parts[0]
    street = re.sub(r'^Số ', '', street)
    ward = parts[-2][len('phường '):]
    prov = parts[-1]
    prov = pick(abbr.get(prov, [prov]))
    f = pick(['số ' + street + ', P.' + ward + ', ' + prov, street + ' p. ' + ward + ' ' + prov, street + ', ' + 'P. ' + ward])
    if random.random() < 0.5: f = fold(f)
    qs.append(('address_abbrev', f, 'org', o['tax_code']))
hit1 = collections.Counter(); hit3 = collections.Counter(); n = collections.Counter(); misses = []
for kind, q, t, want in qs:
    url = base + '/v1/search?' + urllib.parse.urlencode({'q': q, 'limit': 3})
    try:
        items = json.load(urllib.request.urlopen(url, timeout=60)).get('items', [])
    except Exception as e:
        items = []; print('ERR', q, e)
    got = []
    for it in items:
        rec = it.get('item') or {}
        got.append(key(rec.get('model_number', '')) if it['type'] == 'model' else (rec.get('tax_code') or ''))
    # a branch query for a head office: the head office, or any branch of it, answers
    ok = [g == want or (kind == 'tax_code_branch' and g[:10] == want) for g in got]
    n[kind] += 1
    if ok and ok[0]: hit1[kind] += 1
    if any(ok): hit3[kind] += 1
    if not (ok and ok[0]): misses.append((kind, q, [it.get('title') for it in items]))
for k in n: print(f'{k}: {n[k]} queries, @1 {hit1[k]/n[k]:.3f}, @3 {hit3[k]/n[k]:.3f}')
tot = sum(n.values()); print(f'all: {tot}, @1 {sum(hit1.values())/tot:.3f}, @3 {sum(hit3.values())/tot:.3f}')
for m in misses[:25]: print('MISS', m)

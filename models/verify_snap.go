package models

import (
	"hash/maphash"
	"unsafe"

	"camreg/models/verdict"
)

// snapStore holds verify's snapshot without pointers for the collector to
// follow: every string in one byte arena, addressed by offset and length;
// the models, their certificates, warnings and C/Os in slices of structs
// of those offsets and of dates; the indexes keyed by hashes. The collector
// marks each of these slices as one object and scans none of them.
//
// Profiled (BENCHMARKS.md, "Verify cold: the snapshot without pointers"):
// as structs of Go strings in maps keyed by strings, the snapshot was some
// 160 MB of the server's 270 MB live heap, most of it small strings, which
// every collection marked again; on a cold run the collector took a fifth
// to a quarter of the server's CPU.
//
// A verify materializes what it reads (models.Model, the verdict's rows) as
// Go values whose strings point into the arena (no copy); the arena is only
// appended to, so they stay valid after the store moves on, and a string
// handed out keeps its arena alive. Rows replaced by the change log are left
// behind as dead bytes until compact copies the live ones into a new store.
// The caller holds the snapshot's lock: read for the readers, write for the
// writers.
type snapStore struct {
	seed maphash.Seed
	str  []byte
	// intern dedupes short strings while the store is built or compacted
	// (nil otherwise): statuses, brands, standards, issuers.
	intern map[string]sref

	models []modelRec
	free   []int32 // slots of removed models, for reuse
	ids    hashIndex

	certs   []certRec
	warns   []warnRec
	origins []originRec
	cves    []sref

	// docs maps a certificate, warning or C/O ("entity:id") to the slots
	// of the models it names, to know whose rows to re-read when it changes.
	docs    hashIndex
	docKeys []sref
	docSets []span
	docPool []int32

	// dead counts the bytes, rows and doc slots left behind by replaced
	// rows, for compact.
	deadBytes, deadRows, deadDocs int
}

// sref is a string of the arena: its offset and length.
type sref struct{ off, n uint32 }

// span is a run of records in one of the store's slices.
type span struct{ off, n uint32 }

type modelRec struct {
	id, brand, brandKey, modelNumber, modelKey, looseKey, name, kind, hsCode, originCountry, registrant, status sref
	hasRegistrant, live                                                                                         bool
	certs, warns, origins                                                                                       span
}

type certRec struct {
	firmware, id, number, standardCode, holderOrgID, lotRef, status, statusReason sref
	method                                                                        int
	issuedOn, expiresOn, statusChangedOn                                          Date
}

type warnRec struct {
	introducedIn, fixedIn, id, reference, title, severity, measure, url, status, statusReason sref
	cves                                                                                      span
	issuedOn, statusChangedOn                                                                 Date
}

type originRec struct {
	id, number, form, issuer, exportingCountry, status sref
	issuedOn, statusChangedOn                          Date
	unconfirmed                                        bool
}

func newSnapStore(models int) *snapStore {
	return &snapStore{seed: maphash.MakeSeed(), models: make([]modelRec, 0, models),
		ids: newHashIndex(models), docs: newHashIndex(0), intern: map[string]sref{}}
}

// maxInterned is the longest string interned while building.
const maxInterned = 24

func (s *snapStore) put(v string) sref {
	if v == "" {
		return sref{}
	}
	if s.intern != nil && len(v) <= maxInterned {
		if r, ok := s.intern[v]; ok {
			return r
		}
	}
	r := sref{uint32(len(s.str)), uint32(len(v))}
	s.str = append(s.str, v...)
	if s.intern != nil && len(v) <= maxInterned {
		s.intern[unsafe.String(&s.str[r.off], len(v))] = r
	}
	return r
}

func (s *snapStore) get(r sref) string {
	if r.n == 0 {
		return ""
	}
	return unsafe.String(&s.str[r.off], int(r.n))
}

// done ends a build or a compaction: no more interning, and the arena cut
// to its length (the collector never scans it, but it counts in the heap).
func (s *snapStore) done() {
	s.intern = nil
	s.str = append(make([]byte, 0, len(s.str)+len(s.str)/16), s.str...)
}

func (s *snapStore) hash(k string) uint64 { return maphash.String(s.seed, k) }

// hashIndex finds a slot by a string key through the key's hash: the map
// holds no pointers. The rare key whose hash another key holds goes in
// over, by its string.
type hashIndex struct {
	h    map[uint64]int32
	over map[string]int32
}

func newHashIndex(n int) hashIndex {
	return hashIndex{h: make(map[uint64]int32, n), over: map[string]int32{}}
}

// find returns the slot of key; keyOf reads the key a slot holds.
func (x *hashIndex) find(h uint64, key string, keyOf func(int32) string) (int32, bool) {
	if len(x.over) > 0 {
		if i, ok := x.over[key]; ok {
			return i, true
		}
	}
	if i, ok := x.h[h]; ok && keyOf(i) == key {
		return i, true
	}
	return -1, false
}

func (x *hashIndex) set(h uint64, key string, i int32, keyOf func(int32) string) {
	if _, ok := x.over[key]; ok {
		x.over[key] = i
		return
	}
	if j, ok := x.h[h]; ok && keyOf(j) != key {
		x.over[key] = i
		return
	}
	x.h[h] = i
}

func (x *hashIndex) remove(h uint64, key string, keyOf func(int32) string) {
	if _, ok := x.over[key]; ok {
		delete(x.over, key)
		return
	}
	if j, ok := x.h[h]; ok && keyOf(j) == key {
		delete(x.h, h)
	}
}

func (s *snapStore) modelID(i int32) string { return s.get(s.models[i].id) }
func (s *snapStore) docKey(i int32) string  { return s.get(s.docKeys[i]) }

// slot returns the slot of the model id.
func (s *snapStore) slot(id string) (int32, bool) { return s.ids.find(s.hash(id), id, s.modelID) }

// putModel adds the model, or replaces the one of its id (keeping its rows).
func (s *snapStore) putModel(m *Model) {
	rec := modelRec{id: s.put(m.ID), brand: s.put(m.Brand), brandKey: s.put(m.BrandKey), modelNumber: s.put(m.ModelNumber),
		modelKey: s.put(m.ModelKey), looseKey: s.put(m.LooseKey), name: s.put(m.Name), kind: s.put(m.Kind),
		hsCode: s.put(m.HSCode), originCountry: s.put(m.OriginCountry), status: s.put(m.Status), live: true}
	if m.RegistrantOrgID != nil {
		rec.registrant, rec.hasRegistrant = s.put(*m.RegistrantOrgID), true
	}
	if i, ok := s.slot(m.ID); ok {
		old := &s.models[i]
		s.deadBytes += int(old.brand.n + old.modelNumber.n + old.name.n + old.looseKey.n + old.modelKey.n)
		rec.certs, rec.warns, rec.origins = old.certs, old.warns, old.origins
		*old = rec
		return
	}
	var i int32
	if n := len(s.free); n > 0 {
		i, s.free = s.free[n-1], s.free[:n-1]
		s.models[i] = rec
	} else {
		i = int32(len(s.models))
		s.models = append(s.models, rec)
	}
	s.ids.set(s.hash(m.ID), m.ID, i, s.modelID)
}

// removeModel removes the model id and its rows, if held.
func (s *snapStore) removeModel(id string) {
	i, ok := s.slot(id)
	if !ok {
		return
	}
	s.ids.remove(s.hash(id), id, s.modelID)
	s.dropRows(&s.models[i])
	s.deadBytes += 64
	s.models[i] = modelRec{}
	s.free = append(s.free, i)
}

func (s *snapStore) dropRows(m *modelRec) {
	s.deadRows += int(m.certs.n + m.warns.n + m.origins.n)
	m.certs, m.warns, m.origins = span{}, span{}, span{}
}

// model materializes the model in slot i.
func (s *snapStore) model(i int32) *Model {
	r := &s.models[i]
	m := &Model{Record: Record{ID: s.get(r.id)}, Brand: s.get(r.brand), BrandKey: s.get(r.brandKey),
		ModelNumber: s.get(r.modelNumber), ModelKey: s.get(r.modelKey), LooseKey: s.get(r.looseKey), Name: s.get(r.name),
		Kind: s.get(r.kind), HSCode: s.get(r.hsCode), OriginCountry: s.get(r.originCountry), Status: s.get(r.status)}
	if r.hasRegistrant {
		org := s.get(r.registrant)
		m.RegistrantOrgID = &org
	}
	return m
}

// setRows replaces the rows of the model id (not held: nothing).
func (s *snapStore) setRows(id string, certs []CertificateOnDate, warnings []verdict.WarningRow, origins []OriginOnDate) {
	i, ok := s.slot(id)
	if !ok {
		return
	}
	m := &s.models[i]
	s.dropRows(m)
	m.certs = span{uint32(len(s.certs)), uint32(len(certs))}
	for _, c := range certs {
		s.certs = append(s.certs, certRec{firmware: s.put(c.Firmware), id: s.put(c.ID), number: s.put(c.Number),
			standardCode: s.put(c.StandardCode), holderOrgID: s.put(c.HolderOrgID), lotRef: s.put(c.LotRef),
			status: s.put(c.Status), statusReason: s.put(c.StatusReason), method: c.Method,
			issuedOn: c.IssuedOn, expiresOn: c.ExpiresOn, statusChangedOn: c.StatusChangedOn})
	}
	m.warns = span{uint32(len(s.warns)), uint32(len(warnings))}
	for _, w := range warnings {
		cves := span{uint32(len(s.cves)), uint32(len(w.CVEIDs))}
		for _, c := range w.CVEIDs {
			s.cves = append(s.cves, s.put(c))
		}
		s.warns = append(s.warns, warnRec{introducedIn: s.put(w.Range.IntroducedIn), fixedIn: s.put(w.Range.FixedIn),
			id: s.put(w.ID), reference: s.put(w.Reference), title: s.put(w.Title), severity: s.put(w.Severity),
			measure: s.put(w.Measure), url: s.put(w.URL), status: s.put(w.Status), statusReason: s.put(w.StatusReason),
			cves: cves, issuedOn: w.IssuedOn, statusChangedOn: w.StatusChangedOn})
	}
	m.origins = span{uint32(len(s.origins)), uint32(len(origins))}
	for _, o := range origins {
		s.origins = append(s.origins, originRec{id: s.put(o.ID), number: s.put(o.Number), form: s.put(o.Form),
			issuer: s.put(o.Issuer), exportingCountry: s.put(o.ExportingCountry), status: s.put(o.Status),
			issuedOn: o.IssuedOn, statusChangedOn: o.StatusChangedOn, unconfirmed: o.Unconfirmed})
	}
}

// rowsOf materializes the rows of the model in slot i (nil slices for none).
func (s *snapStore) rowsOf(i int32) (certs []CertificateOnDate, warnings []verdict.WarningRow, origins []OriginOnDate) {
	m := &s.models[i]
	if m.certs.n > 0 {
		certs = make([]CertificateOnDate, m.certs.n)
		for j, c := range s.certs[m.certs.off : m.certs.off+m.certs.n] {
			certs[j] = CertificateOnDate{Firmware: s.get(c.firmware), ID: s.get(c.id), Number: s.get(c.number),
				StandardCode: s.get(c.standardCode), HolderOrgID: s.get(c.holderOrgID), LotRef: s.get(c.lotRef),
				Status: s.get(c.status), StatusReason: s.get(c.statusReason), Method: c.method,
				IssuedOn: c.issuedOn, ExpiresOn: c.expiresOn, StatusChangedOn: c.statusChangedOn}
		}
	}
	if m.warns.n > 0 {
		warnings = make([]verdict.WarningRow, m.warns.n)
		for j, w := range s.warns[m.warns.off : m.warns.off+m.warns.n] {
			var cves []string
			if w.cves.n > 0 {
				cves = make([]string, w.cves.n)
				for k, c := range s.cves[w.cves.off : w.cves.off+w.cves.n] {
					cves[k] = s.get(c)
				}
			}
			warnings[j] = verdict.WarningRow{Range: FirmwareRange{IntroducedIn: s.get(w.introducedIn), FixedIn: s.get(w.fixedIn)},
				WarningOnDate: WarningOnDate{ID: s.get(w.id), Reference: s.get(w.reference), Title: s.get(w.title),
					Severity: s.get(w.severity), Measure: s.get(w.measure), CVEIDs: cves, URL: s.get(w.url),
					Status: s.get(w.status), StatusReason: s.get(w.statusReason), IssuedOn: w.issuedOn,
					StatusChangedOn: w.statusChangedOn}}
		}
	}
	if m.origins.n > 0 {
		origins = make([]OriginOnDate, m.origins.n)
		for j, o := range s.origins[m.origins.off : m.origins.off+m.origins.n] {
			origins[j] = OriginOnDate{ID: s.get(o.id), Number: s.get(o.number), Form: s.get(o.form), Issuer: s.get(o.issuer),
				ExportingCountry: s.get(o.exportingCountry), Status: s.get(o.status), IssuedOn: o.issuedOn,
				StatusChangedOn: o.statusChangedOn, Unconfirmed: o.unconfirmed}
		}
	}
	return certs, warnings, origins
}

// docModels returns the ids of the models the document named (its
// "entity:id" key) names, as the store last recorded them.
func (s *snapStore) docModels(key string) []string {
	d, ok := s.docs.find(s.hash(key), key, s.docKey)
	if !ok {
		return nil
	}
	sp := s.docSets[d]
	out := make([]string, 0, sp.n)
	for _, i := range s.docPool[sp.off : sp.off+sp.n] {
		if s.models[i].live {
			out = append(out, s.modelID(i))
		}
	}
	return out
}

// setDoc records the models a document names (ids the store does not hold
// are left out: it has no rows of theirs to re-read).
func (s *snapStore) setDoc(key string, modelIDs []string) {
	sp := span{off: uint32(len(s.docPool))}
	for _, id := range modelIDs {
		if i, ok := s.slot(id); ok {
			s.docPool = append(s.docPool, i)
			sp.n++
		}
	}
	h := s.hash(key)
	if d, ok := s.docs.find(h, key, s.docKey); ok {
		s.deadDocs += int(s.docSets[d].n)
		s.docSets[d] = sp
		return
	}
	s.docKeys = append(s.docKeys, s.put(key))
	s.docSets = append(s.docSets, sp)
	s.docs.set(h, key, int32(len(s.docKeys)-1), s.docKey)
}

// addDoc adds the model in slot i to a document's models, while building
// (a slot once, when the document's models are the last recorded).
func (s *snapStore) addDoc(key string, i int32) {
	h := s.hash(key)
	d, ok := s.docs.find(h, key, s.docKey)
	if !ok {
		s.docKeys = append(s.docKeys, s.put(key))
		s.docSets = append(s.docSets, span{off: uint32(len(s.docPool))})
		d = int32(len(s.docKeys) - 1)
		s.docs.set(h, key, d, s.docKey)
	}
	sp := &s.docSets[d]
	set := s.docPool[sp.off : sp.off+sp.n]
	for _, j := range set {
		if j == i {
			return
		}
	}
	if int(sp.off+sp.n) != len(s.docPool) {
		// Not the last recorded: move it to the end.
		s.deadDocs += int(sp.n)
		s.docPool = append(s.docPool, set...)
		sp.off = uint32(len(s.docPool)) - sp.n
	}
	s.docPool = append(s.docPool, i)
	sp.n++
}

// indexDocs records the documents of the model in slot i.
func (s *snapStore) indexDocs(i int32) {
	m := &s.models[i]
	for _, c := range s.certs[m.certs.off : m.certs.off+m.certs.n] {
		s.addDoc("certificate:"+s.get(c.id), i)
	}
	for _, w := range s.warns[m.warns.off : m.warns.off+m.warns.n] {
		s.addDoc("warning:"+s.get(w.id), i)
	}
	for _, o := range s.origins[m.origins.off : m.origins.off+m.origins.n] {
		s.addDoc("origin_certificate:"+s.get(o.id), i)
	}
}

// wasteful says that replaced rows have left more behind than the store
// holds live: time to compact.
func (s *snapStore) wasteful() bool {
	rows := len(s.certs) + len(s.warns) + len(s.origins)
	return 2*s.deadBytes > len(s.str) || 2*s.deadRows > rows || 2*s.deadDocs > len(s.docPool)
}

// compact copies what the store holds live into a new store, in the same
// slots.
func (s *snapStore) compact() *snapStore {
	n := &snapStore{seed: s.seed, intern: map[string]sref{}, models: make([]modelRec, len(s.models)),
		free: append([]int32(nil), s.free...), ids: newHashIndex(len(s.models)), docs: newHashIndex(len(s.docKeys)),
		str: make([]byte, 0, len(s.str)-min(s.deadBytes, len(s.str)/2))}
	for i := range s.models {
		r := &s.models[i]
		if !r.live {
			continue
		}
		m := s.model(int32(i))
		n.models[i] = modelRec{id: n.put(m.ID), brand: n.put(m.Brand), brandKey: n.put(m.BrandKey),
			modelNumber: n.put(m.ModelNumber), modelKey: n.put(m.ModelKey), looseKey: n.put(m.LooseKey), name: n.put(m.Name),
			kind: n.put(m.Kind), hsCode: n.put(m.HSCode), originCountry: n.put(m.OriginCountry), status: n.put(m.Status),
			live: true, hasRegistrant: r.hasRegistrant, registrant: n.put(s.get(r.registrant))}
		n.ids.set(n.hash(m.ID), m.ID, int32(i), n.modelID)
		certs, warnings, origins := s.rowsOf(int32(i))
		n.setRows(m.ID, certs, warnings, origins)
	}
	n.deadRows = 0
	for d, k := range s.docKeys {
		sp := s.docSets[d]
		if sp.n == 0 {
			continue
		}
		key := s.get(k)
		n.docKeys = append(n.docKeys, n.put(key))
		n.docSets = append(n.docSets, span{uint32(len(n.docPool)), sp.n})
		n.docPool = append(n.docPool, s.docPool[sp.off:sp.off+sp.n]...)
		n.docs.set(n.hash(key), key, int32(len(n.docKeys)-1), n.docKey)
	}
	n.done()
	return n
}

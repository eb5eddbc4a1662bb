package main

// mutant is one deliberate bug: the n-th (from 1) occurrence of find in
// file becomes replace. The packages' tests must then fail.
type mutant struct {
	name    string
	file    string
	find    string
	replace string
	n       int
	pkgs    []string
}

var (
	modelsPkgs  = []string{"./models/"}
	apiPkgs     = []string{"./api/"}
	verdictPkgs = []string{"./models/verdict/", "./models/"}
)

// mutants are the committed set: every organization-scope check, role
// check and visibility rule of the services and the API, and the verdict
// rules, dropped or inverted one at a time.
var mutants = []mutant{
	// Visibility rules (models/authz.go).
	{name: "any keyed organization sees pending certificates", file: "models/authz.go",
		find:    "return viewer.Privileged() || viewer.Owns(&c.HolderOrgID) || viewer.Owns(&c.CertificationBodyOrgID)",
		replace: `return viewer.OrgID != ""`, pkgs: modelsPkgs},
	{name: "visibleCertificates lets every keyed organization list pending certificates", file: "models/authz.go",
		find:    `return q.Where("(status NOT IN ? OR holder_org_id = ? OR certification_body_org_id = ?)",`,
		replace: `return q.Where("(1=1 OR status NOT IN ? OR holder_org_id = ? OR certification_body_org_id = ?)",`, pkgs: modelsPkgs},
	{name: "visibleCertificates shows the public pending certificates", file: "models/authz.go",
		find: `return q.Where("status NOT IN ?", []string{CertPending, CertRejected})`, replace: `return q`, pkgs: modelsPkgs},
	{name: "visibleModels lets a keyed organization list every pending model", file: "models/authz.go",
		find: `return q.Where("(status = ? OR registrant_org_id = ?)", ModelVerified, viewer.OrgID)`, replace: `return q`, pkgs: modelsPkgs},
	{name: "visibleModels shows the public pending models", file: "models/authz.go",
		find: `return q.Where("status = ?", ModelVerified)`, replace: `return q`, pkgs: modelsPkgs},
	{name: "canSeeModel sees everything", file: "models/authz.go",
		find:    "return m.Status == ModelVerified || viewer.Privileged() || viewer.Role == RoleCertifier || viewer.Owns(m.RegistrantOrgID)",
		replace: "return true", pkgs: modelsPkgs},
	{name: "canSeeModel: certifiers no longer see pending models", file: "models/authz.go",
		find:    "return m.Status == ModelVerified || viewer.Privileged() || viewer.Role == RoleCertifier || viewer.Owns(m.RegistrantOrgID)",
		replace: "return m.Status == ModelVerified || viewer.Privileged() || viewer.Owns(m.RegistrantOrgID)", pkgs: modelsPkgs},
	{name: "CanSeeContacts for everyone", file: "models/authz.go",
		find: "return viewer.Privileged() || viewer.Owns(&o.ID)", replace: "return true", pkgs: apiPkgs},
	{name: "procurement is privileged", file: "models/authz.go",
		find:    "return a.Role == RoleAdmin || a.Role == RoleInspector || a.Role == RoleAuthority",
		replace: "return a.Role == RoleAdmin || a.Role == RoleInspector || a.Role == RoleAuthority || a.Role == RoleProcurement", pkgs: modelsPkgs},
	{name: "Owns ignores which organization", file: "models/authz.go",
		find: "return a.OrgID != \"\" && orgID != nil && *orgID == a.OrgID", replace: "return a.OrgID != \"\" && orgID != nil", pkgs: modelsPkgs},
	{name: "may lets every role through", file: "models/authz.go", find: "if a.Role == r {", replace: "if a.Role == r || true {", pkgs: modelsPkgs},
	{name: "ModelRefsAs keeps invisible models", file: "models/authz.go", find: "if !visible[id] {", replace: "if !visible[id] && false {", pkgs: apiPkgs},
	// Organization scope of each service.
	{name: "UpdateOrganization: vendor changes another organization", file: "models/organization.go",
		find: "if !actor.Owns(&o.ID) {", replace: "if false {", pkgs: modelsPkgs},
	{name: "UpdateOrganization: vendor renames itself", file: "models/organization.go",
		find: `forbidFields(actor.Role, map[string]bool{"name": in.Name != nil,`, replace: `forbidFields(actor.Role, map[string]bool{"name": false,`, pkgs: modelsPkgs},
	{name: "UpdateOriginCertificate: vendor changes another's C/O", file: "models/origin.go",
		find: "if !actor.Owns(o.HolderOrgID) {", replace: "if false {", pkgs: modelsPkgs},
	{name: "newModel: vendor sets status", file: "models/model.go",
		find: `map[string]bool{"status": in.Status != nil,`, replace: `map[string]bool{"status": false,`, n: 1, pkgs: modelsPkgs},
	{name: "newModel: vendor registers for another organization", file: "models/model.go",
		find: "in.RegistrantOrgID = strPtr(actor.OrgID)", replace: "", pkgs: modelsPkgs},
	{name: "changeModel: vendor changes another's model", file: "models/model.go",
		find: "if !actor.Owns(m.RegistrantOrgID) {", replace: "if false {", pkgs: modelsPkgs},
	{name: "changeModel: vendor changes a verified model's facts", file: "models/model.go",
		find: "if actor.Role == RoleVendor && before.Status == ModelVerified {", replace: "if false {", pkgs: modelsPkgs},
	{name: "newListing: vendor lists for another trader", file: "models/listing.go",
		find: "if in.TraderOrgID != nil && *in.TraderOrgID != actor.OrgID {", replace: "if false {", pkgs: modelsPkgs},
	{name: "changeListing: vendor changes another's listing", file: "models/listing.go",
		find: "if !actor.Owns(&l.TraderOrgID) {", replace: "if false {", pkgs: modelsPkgs},
	{name: "document model references ignore visibility", file: "models/refcache.go",
		find: "visibleModels(tx.Session(&gorm.Session{NewDB: true}).Model(&Model{}), actor)", replace: "tx.Session(&gorm.Session{NewDB: true}).Model(&Model{})", n: 1, pkgs: modelsPkgs},
	{name: "listing reference ignores visibility", file: "models/refcache.go",
		find: "visibleModels(tx.Session(&gorm.Session{NewDB: true}).Model(&Model{}), actor)", replace: "tx.Session(&gorm.Session{NewDB: true}).Model(&Model{})", n: 2, pkgs: modelsPkgs},
	{name: "batch preload ignores model visibility", file: "models/batch.go",
		find: "visibleModels(tx.Session(&gorm.Session{}).Model(&Model{}), actor)", replace: "tx.Session(&gorm.Session{}).Model(&Model{})", pkgs: modelsPkgs},
	{name: "ViewListing ignores the model's visibility", file: "models/listing.go",
		find: "if _, err := s.ViewModel(ctx, viewer, l.CameraModelID); err != nil {", replace: "if _, err := s.GetModel(ctx, l.CameraModelID); err != nil {", pkgs: apiPkgs},
	{name: "FindListings ignores the viewer", file: "models/listing.go",
		find: "if f.Viewer != nil && !f.Viewer.Privileged() && f.Viewer.Role != RoleCertifier {", replace: "if false {", pkgs: apiPkgs},
	{name: "CreateWarning in another authority's name", file: "models/warning.go",
		find: "if in.AuthorityOrgID != nil && *in.AuthorityOrgID != actor.OrgID {", replace: "if false {", pkgs: modelsPkgs},
	{name: "UpdateWarning: authority changes another's warning", file: "models/warning.go",
		find: "if !actor.Owns(&w.AuthorityOrgID) {", replace: "if false {", pkgs: modelsPkgs},
	{name: "CreateCertificate: certifier for another body", file: "models/certificate.go",
		find: "if in.CertificationBodyOrgID != nil && *in.CertificationBodyOrgID != actor.OrgID {", replace: "if false {", pkgs: modelsPkgs},
	{name: "UpdateCertificate: certifier of another body", file: "models/certificate.go",
		find: "if !actor.Owns(&c.CertificationBodyOrgID) {", replace: "if false {", pkgs: modelsPkgs},
	{name: "UpdateCertificate: vendor changes another's submission", file: "models/certificate.go",
		find: "if !actor.Owns(&c.HolderOrgID) {", replace: "if false {", pkgs: modelsPkgs},
	{name: "a public record's links show invisible models", file: "models/linkvis.go",
		find: "return !visible[id(l)]", replace: "return !visible[id(l)] && false", pkgs: apiPkgs},
	{name: "a log leaf may name invisible models", file: "models/logread.go",
		find: "if !visible[id] {\n\t\t\treturn false, nil", replace: "if !visible[id] && false {\n\t\t\treturn false, nil", pkgs: apiPkgs},
	// Fleets (models/fleet*.go): an operator's own organization's only.
	{name: "seesFleet sees every fleet", file: "models/fleet.go",
		find:    "return viewer.Role == RoleAdmin || viewer.Role == RoleAuthority || (viewer.Role == RoleOperator && viewer.Owns(&f.OrgID))",
		replace: "return true", pkgs: apiPkgs},
	{name: "FindFleets lists other organizations' fleets to an operator", file: "models/fleet.go",
		find: `q = q.Where("org_id = ?", f.Viewer.OrgID)`, replace: "q = q", pkgs: apiPkgs},
	{name: "a fleet's log leaf is read by anyone", file: "models/logread.go",
		find: "return viewer.Role == RoleAdmin || viewer.Role == RoleAuthority, nil", replace: "return true, nil", pkgs: apiPkgs},
	{name: "a fleet row matched only possibly counts compliant", file: "models/fleet_report.go",
		find: "if rows[i].ToFix && rows[i].Verdict == VerdictCompliant {", replace: "if false {", pkgs: apiPkgs},
	// Added for #14's last pass: photos, GTINs, the verified facts, exports, keys.
	{name: "GetPhoto ignores who may read the inspection", file: "models/finding_manual.go",
		find: "if _, err := s.GetInspection(ctx, viewer, p.InspectionID); err != nil {", replace: "if _, err := s.GetInspection(ctx, System(\"m\"), p.InspectionID); err != nil {", pkgs: apiPkgs},
	{name: "a pending model's GTIN names it in verify", file: "models/model_gtin.go",
		find: `db.Where("id IN ? AND status = ?", ids, ModelVerified)`, replace: `db.Where("id IN ? OR status = ?", ids, ModelVerified)`, pkgs: apiPkgs},
	{name: "a vendor renames its verified model's brand", file: "models/model.go",
		find: "if after.BrandKey != before.BrandKey {", replace: "if false {", pkgs: modelsPkgs},
	{name: "a vendor changes its verified model's origin", file: "models/model.go",
		find: "if after.OriginCountry != before.OriginCountry {", replace: "if false {", pkgs: modelsPkgs},
	{name: "exports ignore the viewer", file: "importer/export.go",
		find:    "if err := exportRows(ctx, st, viewer, entity, out.row); err != nil {",
		replace: "if err := exportRows(ctx, st, models.System(\"m\"), entity, out.row); err != nil {", pkgs: apiPkgs},
	{name: "a lookalike document number keeps its invisible marks", file: "fold/fold.go",
		find: "|| unicode.Is(unicode.Cf, r) ||", replace: "|| false ||", pkgs: []string{"./fold/"}},
	{name: "rekey overwrites a key another row holds", file: "models/rekey.go",
		find: "if other, ok := holder[row.neS]; ok && other != row.id {", replace: "if false {", pkgs: modelsPkgs},
	{name: "a certifier changes another body's certificate it can see", file: "models/certificate.go",
		find: "return Forbidden(\"a certifier changes only its own body's certificates\")", replace: "break", pkgs: modelsPkgs},
	// The API's role checks and read surfaces.
	{name: "requireRole lets every role through", file: "api/auth.go",
		find: "if !slices.Contains(roles, a.Role) {", replace: "if !slices.Contains(roles, a.Role) && false {", pkgs: apiPkgs},
	{name: "an import job is read by any key", file: "api/import.go",
		find: "if a.Role != models.RoleAdmin && job.CreatorKey != a.KeyID {", replace: "if a.Role != models.RoleAdmin && job.CreatorKey != a.KeyID && false {", pkgs: apiPkgs},
	{name: "history shows contacts to everyone", file: "api/audit.go",
		find: `return []string{"email", "phone"}, nil`, replace: "return nil, nil", pkgs: apiPkgs},
	{name: "history of a listing ignores the model's visibility", file: "api/audit.go",
		find: "_, err := s.store.ViewListing(ctx, v, id)", replace: "_, err := s.store.GetListing(ctx, id)", pkgs: apiPkgs},
	{name: "/metrics for everyone", file: "api/strict.go", find: "if !ok {\n\t\t\treturn problem(http.StatusNotFound", replace: "if !ok && false {\n\t\t\treturn problem(http.StatusNotFound", pkgs: apiPkgs},
	// The verdict rules (models/verdict/rules.go).
	{name: "a C/O counts before its issue date", file: "models/verdict/rules.go",
		find: "o.Valid = !q.Day.Before(o.IssuedOn) && !revoked", replace: "o.Valid = !revoked", pkgs: verdictPkgs},
	{name: "a revoked C/O counts", file: "models/verdict/rules.go",
		find: "o.Valid = !q.Day.Before(o.IssuedOn) && !revoked", replace: "o.Valid = !q.Day.Before(o.IssuedOn) && (!revoked || true)", pkgs: verdictPkgs},
	{name: "imported models are not judged on origin", file: "models/verdict/rules.go",
		find: `if m.OriginCountry == "" || m.OriginCountry == "VN" {`, replace: "if true {", pkgs: verdictPkgs},
	{name: "a withdrawn warning stays active", file: "models/verdict/rules.go",
		find: "w.Active = !q.Day.Before(w.IssuedOn) && !withdrawn", replace: "w.Active = !q.Day.Before(w.IssuedOn) && (!withdrawn || true)", pkgs: verdictPkgs},
	{name: "a ban is only a warning", file: "models/verdict/rules.go",
		find: "v.add(ReasonBannedModel, VerdictNonCompliant, ev)", replace: "v.add(ReasonBannedModel, VerdictWarning, ev)", pkgs: verdictPkgs},
	{name: "no certificate is no breach", file: "models/verdict/rules.go",
		find: "failing = VerdictNonCompliant", replace: "failing = EffectInfo", pkgs: verdictPkgs},
	{name: "firmware outside every range still applies", file: "models/verdict/rules.go",
		find: `if q.Firmware == "" || FirmwareInRange(q.Firmware, r.IntroducedIn, r.FixedIn) {`, replace: "if q.Firmware == \"\" || FirmwareInRange(q.Firmware, r.IntroducedIn, r.FixedIn) || true {", pkgs: verdictPkgs},
	{name: "a box's GTIN of another model passes silently", file: "models/verdict/rules.go",
		find: "if g := q.GTINModel; g != nil && (m.Model == nil || m.Model.ID != g.ID) {", replace: "if g := q.GTINModel; g != nil && false {", pkgs: verdictPkgs},
	{name: "full-width firmware is read as it is", file: "models/verdict/firmware.go",
		find: "s = fold.Firmware(s)", replace: "_ = fold.Firmware(s)", pkgs: verdictPkgs},
	// Revocation dates (models/status.go), tested through the API and the importer.
	{name: "a revocation may be dated in the future", file: "models/status.go",
		find: "case d.After(today):", replace: "case false:", pkgs: apiPkgs},
	{name: "a recorded revocation may move later", file: "models/status.go",
		find: "case !was.IsZero() && d.After(was):", replace: "case false:", pkgs: apiPkgs},
	// The red team's pass of 2026-12-07 (api/pending_test.go).
	{name: "an import row of another's pending model names its id", file: "models/batch.go",
		find: "if errors.Is(err, ErrNotFound) {", replace: "if false {", pkgs: apiPkgs},
	{name: "the public limit keys an IPv6 client by its whole address", file: "api/ratelimit.go",
		find: `tier, client := "public", clientOf(c.RealIP())`, replace: `tier, client := "public", c.RealIP()`, pkgs: apiPkgs},
	{name: "a near match answers with its candidate's compliant verdict", file: "models/verdict/rules.go",
		find: "if m.Kind == MatchPossible {\n\t\tv.nearMatch()", replace: "if false {\n\t\tv.nearMatch()", pkgs: verdictPkgs},
}

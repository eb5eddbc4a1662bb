package api

import (
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"camreg/models"
	"camreg/translog"
)

// receiptResponse is a signed verdict receipt (translog.Receipt): check it
// offline with `camreg receipt verify FILE --vkey KEY`, or with
// golang.org/x/mod/sumdb/note and tlog.CheckRecord.
type receiptResponse struct {
	// Note is the signed statement: the line "camreg verdict receipt v2",
	// then one line of JSON with issued_at, the checkpoint's size and root,
	// and each item's query (model, brand, firmware, at and gtin, "" when
	// not given), date, match, verdict, reason codes and evidence (entity,
	// id, log index, leaf hash). Receipts of v1 (before 2026-12-07) have
	// no gtin in their queries, and still verify.
	Note string `json:"note"`
	// Checkpoint is the signed checkpoint the statement is bound to.
	Checkpoint string `json:"checkpoint"`
	// Proofs prove each evidence event in the checkpoint's tree.
	Proofs []inclusionProofResponse `json:"proofs"`
}

// inclusionProofResponse proves a leaf in the receipt's checkpoint, in
// the order tlog.ProveRecord gives.
type inclusionProofResponse struct {
	Index    int64    `json:"index" example:"41"`
	LeafHash string   `json:"leaf_hash"`
	Proof    []string `json:"proof"`
}

// wantReceipt reads the receipt query parameter: true asks for one.
func wantReceipt(c echo.Context) (bool, error) {
	switch c.QueryParam("receipt") {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	}
	return false, fieldProblem([]models.FieldError{{Field: "receipt", Message: "must be true or false"}})
}

// evidenceRefs lists the records an answer rests on: the matched model,
// the model that lists the box's GTIN (which chose among candidates, or
// gave gtin_model_mismatch), and the certificates, warnings and C/Os its
// reasons cite.
func evidenceRefs(r *verifyResponse) []models.EvidenceRef {
	var refs []models.EvidenceRef
	seen := map[models.EvidenceRef]bool{}
	add := func(entity, id string) {
		ref := models.EvidenceRef{Entity: entity, ID: id}
		if id != "" && !seen[ref] {
			seen[ref] = true
			refs = append(refs, ref)
		}
	}
	if r.Model != nil {
		add("camera_model", r.Model.ID)
	}
	add("camera_model", r.gtinModelID)
	for _, reason := range r.Reasons {
		add("certificate", reason.Evidence.CertificateID)
		add("warning", reason.Evidence.WarningID)
		add("origin_certificate", reason.Evidence.OriginID)
	}
	return refs
}

// receipt signs a statement of the answers, bound to the log's current
// checkpoint, with inclusion proofs of the evidence's latest events in it.
func (s *Server) receipt(c echo.Context, answers []verifyResponse) (*receiptResponse, error) {
	cp, cpMsg, err := s.signedCheckpoint(c)
	if err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	st := translog.Statement{IssuedAt: time.Now().UTC().Format(time.RFC3339),
		Checkpoint: translog.StatementCheckpoint{Size: cp.Size, Root: translog.HashString(cp.Root)},
		Items:      make([]translog.StatementItem, len(answers))}
	out := &receiptResponse{Checkpoint: string(cpMsg), Proofs: []inclusionProofResponse{}}
	proved := map[int64]bool{}
	for i := range answers {
		a := &answers[i]
		item := translog.StatementItem{
			Query: map[string]string{"model": a.Query.Model, "brand": a.Query.Brand, "firmware": a.Query.Firmware, "at": a.Query.At,
				"gtin": a.Query.GTIN},
			At: a.At, Match: a.Match, Verdict: a.Verdict, Reasons: []string{}, Evidence: []translog.EvidenceEntry{}}
		for _, r := range a.Reasons {
			item.Reasons = append(item.Reasons, r.Code)
		}
		leaves, err := s.store.EvidenceLeaves(ctx, evidenceRefs(a), cp.Size)
		if err != nil {
			return nil, err
		}
		for _, l := range leaves {
			item.Evidence = append(item.Evidence, translog.EvidenceEntry{Entity: l.Entity, ID: l.ID, Index: l.Index, LeafHash: translog.HashString(l.Hash)})
			if proved[l.Index] {
				continue
			}
			proved[l.Index] = true
			p, err := s.store.ProveInclusion(ctx, l.Index, cp.Size)
			if err != nil {
				return nil, err
			}
			out.Proofs = append(out.Proofs, inclusionProofResponse{Index: l.Index, LeafHash: translog.HashString(l.Hash), Proof: hashStrings(p).Proof})
		}
		st.Items[i] = item
	}
	if out.Note, err = translog.SignStatement(st, s.logSigner); err != nil {
		return nil, err
	}
	return out, nil
}

// logFootnote is the permalink page's line about the log: the checkpoint
// size and fingerprint the page's verdict can be checked against, or ""
// without a signing key.
func (s *Server) logFootnote(c echo.Context, lang string) string {
	if s.logSigner == nil {
		return ""
	}
	cp, _, err := s.signedCheckpoint(c)
	if err != nil {
		return ""
	}
	if lang == models.LangEN {
		return "Verifiable change log: " + strconv.FormatInt(cp.Size, 10) + " events, fingerprint " + cp.Fingerprint()
	}
	return "Sổ thay đổi kiểm chứng được: " + strconv.FormatInt(cp.Size, 10) + " sự kiện, dấu vân tay " + cp.Fingerprint()
}

package gen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// A fleet's inventory, for `camreg gen --devices N` and the device import's
// benchmark: what an ISP or an agency holds, as rows of brand, model text,
// firmware, quantity and location, with the asset tag as the external id.
// The models are the dataset's own (the same seed and counts), so that the
// fleet report finds most of them; some rows are written as people slip
// (spaces, case, the brand in the model cell), and some name models the
// registry does not have.

// DevicesFile is the file name `camreg gen --devices` writes.
const DevicesFile = "devices.csv"

// devicesHeader is the file's header, in Vietnamese, as an agency's
// spreadsheet has it.
var devicesHeader = []string{"Mã thiết bị", "Hãng", "Model", "Phiên bản firmware", "Số lượng", "Vị trí / Hệ thống"}

// WriteDevices writes an inventory of n device rows to path (CSV with
// Vietnamese headers) and returns its rows and sha256. The same seed,
// counts and n give the same file. With bad, about one row in 500 is
// invalid (no model, or a quantity that is no number), for the row report.
func WriteDevices(ctx context.Context, cfg Config, path string, n int, bad bool) (int, string, error) {
	g, err := New(cfg)
	if err != nil {
		return 0, "", err
	}
	if cfg.Counts.Models < 1 {
		return 0, "", fmt.Errorf("devices need at least one model")
	}
	st := newStream(cfg.Seed, streamDevices)
	return writeFile(ctx, path, func(w *rowWriter) (int, error) {
		if err := w.Write(devicesHeader); err != nil {
			return 0, err
		}
		for i := range n {
			if err := w.Write(g.device(st.at(i), i, bad)); err != nil {
				return 0, err
			}
		}
		return n, nil
	})
}

// device draws the i-th row.
func (g *Generator) device(r *rand.Rand, i int, bad bool) []string {
	c := g.camera(r.IntN(g.n.Models))
	brand, model := c.brand.name, c.number
	switch k := r.IntN(100); {
	case k < 4: // typed loosely
		model = strings.ToLower(strings.ReplaceAll(model, "-", " "))
	case k < 6: // the brand in the model cell, none in its own
		model, brand = brand+" "+model, ""
	case k < 8: // a model the registry does not hold
		model = fmt.Sprintf("%s-%05d", strings.ToUpper(brand[:min(2, len(brand))]), r.IntN(100000))
	}
	fw := ""
	if len(c.firmware) > 0 && r.IntN(4) > 0 {
		fw = c.firmware[r.IntN(len(c.firmware))]
	}
	qty := strconv.Itoa(1 + r.IntN(4)*r.IntN(4))
	p := provinces[r.IntN(len(provinces))]
	loc := fmt.Sprintf("Tỉnh %s / Trạm %d", p.code, 1+r.IntN(400))
	if bad && r.IntN(500) == 0 {
		if r.IntN(2) == 0 {
			model = ""
		} else {
			qty = "hai"
		}
	}
	return []string{fmt.Sprintf("TB-%08d", i+1), brand, model, fw, qty, loc}
}

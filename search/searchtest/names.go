package searchtest

import (
	"context"
	"testing"

	"camreg/models"
	"camreg/models/testdb"
	"camreg/search"
)

// runNames checks how shop names rank where a national registry holds many
// shops of nearly the same words: a shop whose name holds the query's
// words as a phrase ranks above one holding them apart ("Nhà Thông Minh
// Tân Phát" for "minh phat"), and a shop above the certificates that name
// it as their holder.
func runNames(t *testing.T, f Factory) {
	st := testdb.Open(t, testdb.Backends(t)[0])
	idx := f(t, st)
	ctx := context.Background()
	str := func(s string) *string { return &s }
	org := func(id, name, address, province, provinceName string) (*models.Organization, search.Document) {
		o := &models.Organization{Record: models.Record{ID: id}, Name: name, Address: address, Kind: "retailer",
			ProvinceCode: str(province), ProvinceName: str(provinceName)}
		return o, search.OrganizationDocument(o)
	}
	var docs []search.Document
	add := func(name, address, province, provinceName string, id string) *models.Organization {
		o, d := org(id, name, address, province, provinceName)
		docs = append(docs, d)
		return o
	}
	add("Cửa hàng Camera Minh Phát", "12 Lê Lợi, phường Vinh Phú, Nghệ An", "40", "Nghệ An", "o-minhphat")
	for i, name := range []string{"Nhà Thông Minh Tân Phát", "Nhà Thông Minh Vĩnh Phát Store", "Nhà Thông Minh An Phát",
		"Nhà Thông Minh Thịnh Phát Smart Home"} {
		add(name, "45 Tôn Đức Thắng, phường Bình Minh, Nghệ An", "40", "Nghệ An", "o-nha"+string(rune('a'+i)))
	}
	holder := add("Cửa hàng Nam Việt", "3 Trần Phú, phường Nam Định, Ninh Bình", "37", "Ninh Bình", "o-namviet")
	add("Công ty TNHH Thương mại Điện tử Việt Nam Xanh", "9 Nguyễn Trãi, phường Nam Việt, Hà Nội", "01", "Hà Nội", "o-vnx")
	for i := range 3 {
		id := "c-namviet" + string(rune('a'+i))
		docs = append(docs, search.CertificateDocument(&models.Certificate{Record: models.Record{ID: id},
			Number: "QT1-135-2025-07" + string(rune('1'+i)), StandardCode: "QCVN 135:2024/BTTTT", HolderOrgID: holder.ID,
			IssuedOn: models.NewDate(2025, 3, 1), ExpiresOn: models.NewDate(2028, 2, 29),
			Status: models.Status{Status: models.CertValid}}, holder, models.NewDate(2026, 3, 2)))
	}
	if err := idx.Upsert(ctx, docs); err != nil {
		t.Fatalf("upsert: %v", err)
	}
	for _, tc := range []struct{ q, first string }{
		{"minh phat nghe an", "o-minhphat"},
		{"minh phat", "o-minhphat"},
		{"camera minh phat", "o-minhphat"},
		{"cua hang nam viet", "o-namviet"},
		{"nam viet", "o-namviet"},
	} {
		got := ids(search1(t, idx, search.Query{Text: tc.q}))
		if len(got) == 0 || got[0] != tc.first {
			t.Errorf("q=%q: hits %v, want %s first", tc.q, got, tc.first)
		}
	}
}

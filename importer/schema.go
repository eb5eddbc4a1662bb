package importer

import (
	"fmt"
	"slices"
	"strings"

	"camreg/fold"
)

// Entities are the collections the importer reads and the exporter writes,
// named as in the API's paths, in the order a registry is loaded: each
// refers only to those before it.
var Entities = []string{"organizations", "models", "certificates", "origin-certificates", "warnings", "listings"}

// ImportEntities are what the importer reads: the registry's Entities, and
// a fleet's devices (an operator's inventory, imported into one fleet with
// Options.FleetID; it is private, so it is not in the public export).
var ImportEntities = append(slices.Clone(Entities), "devices")

// column is one field of an entity's file: its canonical (English) name,
// which the exporter writes, and the other headers the importer accepts
// for it, English and Vietnamese. Headers are compared after fold.Key, so
// case, diacritics, spaces and punctuation never matter: "Mã số thuế",
// "ma so thue" and "MA_SO_THUE" are one header.
type column struct {
	name    string
	aliases []string
	// list columns hold several values separated by ";" or newlines.
	list bool
}

// schemas lists each entity's columns, in the order the exporter writes
// them. The first column of each is part of its natural key.
var schemas = map[string][]column{
	"organizations": {
		{name: "tax_code", aliases: []string{"Mã số thuế", "MST", "tax code", "tax id", "mã số doanh nghiệp"}},
		{name: "name", aliases: []string{"Tên doanh nghiệp", "Tên tổ chức", "Tên công ty", "Tên đơn vị", "Tên", "organization", "company", "company name"}},
		{name: "kind", aliases: []string{"Loại hình", "Loại", "Loại tổ chức", "type"}},
		{name: "address", aliases: []string{"Địa chỉ", "Trụ sở"}},
		{name: "province", aliases: []string{"Tỉnh/Thành phố", "Tỉnh thành", "Tỉnh", "Thành phố", "province_name", "province_code"}},
		{name: "country", aliases: []string{"Quốc gia", "Nước"}},
		{name: "website", aliases: []string{"Trang web", "web"}},
		{name: "email", aliases: []string{"Thư điện tử", "e-mail"}},
		{name: "phone", aliases: []string{"Điện thoại", "Số điện thoại", "SĐT", "telephone"}},
	},
	"models": {
		{name: "brand", aliases: []string{"Hãng sản xuất", "Hãng", "Nhãn hiệu", "Thương hiệu", "make"}},
		{name: "model_number", aliases: []string{"Model", "Mã sản phẩm", "Số model", "Kiểu loại", "Mã model", "model no"}},
		{name: "name", aliases: []string{"Tên sản phẩm", "Tên", "product name", "product"}},
		{name: "kind", aliases: []string{"Loại camera", "Loại", "type"}},
		{name: "hs_code", aliases: []string{"Mã HS", "HS"}},
		{name: "origin_country", aliases: []string{"Xuất xứ", "Nước sản xuất", "origin", "country of origin"}},
		{name: "firmware_versions", aliases: []string{"Firmware", "Phiên bản firmware", "Phiên bản phần mềm"}, list: true},
		{name: "registrant", aliases: []string{"Đơn vị đăng ký", "Doanh nghiệp đăng ký", "Mã số thuế", "registrant_org", "registrant tax code"}},
		{name: "status", aliases: []string{"Trạng thái"}},
		{name: "gtins", aliases: []string{"GTIN", "Mã vạch", "Mã GTIN", "EAN", "barcode"}, list: true},
	},
	"certificates": {
		{name: "number", aliases: []string{"Số chứng nhận", "Số giấy chứng nhận", "Số GCN", "certificate number", "certificate no"}},
		{name: "standard_code", aliases: []string{"Quy chuẩn", "Quy chuẩn kỹ thuật", "QCVN", "Tiêu chuẩn", "standard"}},
		{name: "certification_body", aliases: []string{"Tổ chức chứng nhận", "Đơn vị chứng nhận", "certifier"}},
		{name: "method", aliases: []string{"Phương thức", "Phương thức chứng nhận", "PTCN"}},
		{name: "holder", aliases: []string{"Đơn vị được chứng nhận", "Tổ chức được chứng nhận", "Doanh nghiệp", "Tên doanh nghiệp", "Mã số thuế", "Chủ sở hữu", "holder tax code"}},
		{name: "issued_on", aliases: []string{"Ngày cấp", "Ngày chứng nhận", "issue date", "issued"}},
		{name: "expires_on", aliases: []string{"Ngày hết hạn", "Hiệu lực đến", "Có hiệu lực đến", "expiry date", "valid until"}},
		{name: "lot_ref", aliases: []string{"Số lô", "Lô hàng", "lot"}},
		{name: "status", aliases: []string{"Trạng thái"}},
		{name: "status_reason", aliases: []string{"Lý do", "Lý do thay đổi"}},
		{name: "status_changed_on", aliases: []string{"Ngày thay đổi trạng thái", "Ngày hiệu lực thay đổi"}},
		{name: "models", aliases: []string{"Model", "Sản phẩm", "Các model", "Danh sách model", "Kiểu loại", "models covered", "camera models"}, list: true},
		{name: "brand", aliases: []string{"Hãng sản xuất", "Hãng", "Nhãn hiệu"}},
	},
	"origin-certificates": {
		{name: "number", aliases: []string{"Số C/O", "Số chứng nhận xuất xứ", "C/O number", "CO number", "C/O no"}},
		{name: "exporting_country", aliases: []string{"Nước xuất khẩu", "Quốc gia xuất khẩu", "exporting country"}},
		{name: "form", aliases: []string{"Mẫu C/O", "Mẫu", "C/O form"}},
		{name: "issuer", aliases: []string{"Cơ quan cấp", "Tổ chức cấp", "Nơi cấp"}},
		{name: "issued_on", aliases: []string{"Ngày cấp", "issue date", "issued"}},
		{name: "holder", aliases: []string{"Doanh nghiệp nhập khẩu", "Nhà nhập khẩu", "Tên doanh nghiệp", "Mã số thuế", "importer", "holder tax code"}},
		{name: "lot_ref", aliases: []string{"Số lô", "Lô hàng", "lot"}},
		{name: "invoice_ref", aliases: []string{"Số hóa đơn", "Hóa đơn", "invoice"}},
		{name: "status", aliases: []string{"Trạng thái"}},
		{name: "status_reason", aliases: []string{"Lý do", "Lý do thay đổi"}},
		{name: "status_changed_on", aliases: []string{"Ngày thay đổi trạng thái"}},
		{name: "models", aliases: []string{"Model", "Sản phẩm", "Các model", "Danh sách model", "camera models"}, list: true},
		{name: "brand", aliases: []string{"Hãng sản xuất", "Hãng", "Nhãn hiệu"}},
	},
	"warnings": {
		{name: "reference", aliases: []string{"Số hiệu", "Số văn bản", "Số công văn", "Ký hiệu", "reference no", "document number"}},
		{name: "authority", aliases: []string{"Cơ quan cảnh báo", "Cơ quan ban hành", "Cơ quan"}},
		{name: "title", aliases: []string{"Tiêu đề", "Trích yếu"}},
		{name: "summary", aliases: []string{"Tóm tắt", "Nội dung"}},
		{name: "severity", aliases: []string{"Mức độ", "Mức độ nghiêm trọng"}},
		{name: "issued_on", aliases: []string{"Ngày ban hành", "Ngày cấp", "Ngày cảnh báo", "issue date"}},
		{name: "measure", aliases: []string{"Biện pháp", "Yêu cầu", "Biện pháp xử lý"}},
		{name: "cve_ids", aliases: []string{"CVE", "Mã CVE", "CVE ids"}, list: true},
		{name: "url", aliases: []string{"Đường dẫn", "Liên kết", "link"}},
		{name: "status", aliases: []string{"Trạng thái"}},
		{name: "status_reason", aliases: []string{"Lý do", "Lý do thu hồi"}},
		{name: "status_changed_on", aliases: []string{"Ngày thay đổi trạng thái", "Ngày thu hồi"}},
		{name: "affected", aliases: []string{"Model bị ảnh hưởng", "Sản phẩm bị ảnh hưởng", "Model", "models", "affected models"}, list: true},
		{name: "brand", aliases: []string{"Hãng sản xuất", "Hãng", "Nhãn hiệu"}},
	},
	"listings": {
		{name: "trader", aliases: []string{"Mã số thuế", "Tên doanh nghiệp", "Đơn vị kinh doanh", "Người bán", "Cửa hàng", "seller", "trader tax code"}},
		{name: "brand", aliases: []string{"Hãng sản xuất", "Hãng", "Nhãn hiệu", "Thương hiệu"}},
		{name: "model_number", aliases: []string{"Model", "Mã sản phẩm", "Số model", "Mã model"}},
		{name: "channel", aliases: []string{"Kênh", "Kênh bán", "Hình thức bán"}},
		{name: "url", aliases: []string{"Đường dẫn", "Liên kết", "link"}},
		{name: "shop_address", aliases: []string{"Địa chỉ", "Địa chỉ cửa hàng", "address"}},
		{name: "province", aliases: []string{"Tỉnh/Thành phố", "Tỉnh thành", "Tỉnh", "province_name", "province_code"}},
		{name: "price_vnd", aliases: []string{"Giá", "Giá bán", "Giá (VNĐ)", "Giá bán (đồng)", "price"}},
		{name: "first_seen_on", aliases: []string{"Ngày phát hiện", "Ngày ghi nhận đầu tiên", "first seen"}},
		{name: "last_seen_on", aliases: []string{"Ngày ghi nhận cuối", "Ngày cập nhật", "last seen"}},
		{name: "source", aliases: []string{"Nguồn", "Nguồn tin"}},
	},
	"devices": {
		{name: "external_id", aliases: []string{"Mã thiết bị", "Mã nội bộ", "Mã tài sản", "Số hiệu thiết bị", "asset tag", "asset id", "device id"}},
		{name: "brand", aliases: []string{"Hãng", "Hãng sản xuất", "Thương hiệu", "Nhãn hiệu", "make", "manufacturer"}},
		{name: "model", aliases: []string{"Model", "Mã model", "Số model", "Kiểu loại", "Mã sản phẩm", "model_number", "model no"}},
		{name: "firmware", aliases: []string{"Firmware", "Phiên bản firmware", "Phiên bản phần mềm", "firmware version"}},
		{name: "quantity", aliases: []string{"Số lượng", "SL", "qty", "count"}},
		{name: "location", aliases: []string{"Vị trí", "Hệ thống", "Vị trí / Hệ thống", "Vị trí lắp đặt", "Địa điểm", "Hệ thống thông tin", "system", "site"}},
	},
}

// required are the columns a file of each entity must have: its natural
// key, and what a new row cannot do without.
var required = map[string][]string{
	"organizations":       {"name"},
	"models":              {"brand", "model_number"},
	"certificates":        {"number"},
	"origin-certificates": {"number", "exporting_country"},
	"warnings":            {"reference"},
	"listings":            {"trader", "model_number"},
	"devices":             {"model"},
}

// Columns returns the canonical column names of an entity, in the order
// the exporter writes them.
func Columns(entity string) []string {
	var out []string
	for _, c := range schemas[entity] {
		out = append(out, c.name)
	}
	return out
}

// Aliases returns the headers accepted for a column besides its name, for
// the documentation.
func Aliases(entity, col string) []string {
	for _, c := range schemas[entity] {
		if c.name == col {
			return c.aliases
		}
	}
	return nil
}

// CheckEntity reports whether entity is one the importer knows.
func CheckEntity(entity string) error {
	if !slices.Contains(Entities, entity) {
		return fmt.Errorf("unknown entity %q: use one of %s", entity, strings.Join(Entities, ", "))
	}
	return nil
}

// CheckImportEntity reports whether entity is one the importer reads.
func CheckImportEntity(entity string) error {
	if !slices.Contains(ImportEntities, entity) {
		return fmt.Errorf("unknown entity %q: use one of %s", entity, strings.Join(ImportEntities, ", "))
	}
	return nil
}

// headerMap matches a file's headers to an entity's columns.
type headerMap struct {
	entity string
	byKey  map[string]string // fold.Key(header) → column
	list   map[string]bool
}

// newHeaderMap builds the matcher of an entity, with the user's --map
// entries (header=column) taking precedence over the built-in aliases.
func newHeaderMap(entity string, user map[string]string) (*headerMap, error) {
	h := &headerMap{entity: entity, byKey: map[string]string{}, list: map[string]bool{}}
	cols := schemas[entity]
	// Canonical names first, then aliases, so that an alias shared by two
	// columns (such as "Model") goes to the first that declares it.
	for _, c := range cols {
		h.byKey[fold.Key(c.name)] = c.name
		h.list[c.name] = c.list
	}
	for _, c := range cols {
		for _, a := range c.aliases {
			if _, ok := h.byKey[fold.Key(a)]; !ok {
				h.byKey[fold.Key(a)] = c.name
			}
		}
	}
	for header, col := range user {
		if _, ok := h.list[col]; !ok {
			return nil, fmt.Errorf("--map %s=%s: %s has no column %q; its columns are %s", header, col, entity, col,
				strings.Join(Columns(entity), ", "))
		}
		h.byKey[fold.Key(header)] = col
	}
	return h, nil
}

// column returns the column a header names, or "".
func (h *headerMap) column(header string) string {
	k := fold.Key(header)
	if k == "" {
		return ""
	}
	return h.byKey[k]
}

// ParseMap reads --map values of the form "header=column".
func ParseMap(entries []string) (map[string]string, error) {
	out := map[string]string{}
	for _, e := range entries {
		header, col, ok := strings.Cut(e, "=")
		if !ok || strings.TrimSpace(header) == "" || strings.TrimSpace(col) == "" {
			return nil, fmt.Errorf("--map %q: write it as 'header=column'", e)
		}
		out[strings.TrimSpace(header)] = strings.TrimSpace(col)
	}
	return out, nil
}

// enumAliases maps folded Vietnamese (and loose English) words for enum
// values to the values the services take.
var enumAliases = map[string]map[string]string{
	"org_kind": {
		"nha san xuat": "manufacturer", "san xuat": "manufacturer",
		"nha nhap khau": "importer", "nhap khau": "importer",
		"nha phan phoi": "distributor", "phan phoi": "distributor",
		"ban le": "retailer", "cua hang": "retailer", "shop": "retailer",
		"ban hang truc tuyen": "online_seller", "truc tuyen": "online_seller", "online seller": "online_seller",
		"to chuc chung nhan": "certification_body", "certification body": "certification_body",
		"co quan quan ly": "authority", "co quan": "authority",
		"quan ly thi truong": "market_surveillance", "market surveillance": "market_surveillance",
	},
	"channel": {
		"cua hang": "shop", "tai cua hang": "shop", "truc tiep": "shop",
		"truc tuyen": "online", "online": "online", "san thuong mai dien tu": "online",
	},
	"source": {
		"tu khai": "self_declared", "tu cong bo": "self_declared", "self declared": "self_declared",
		"kiem tra": "inspection", "thanh tra": "inspection",
		"san thuong mai dien tu": "marketplace",
	},
	"model_status": {"cho duyet": "pending", "da xac minh": "verified", "da duyet": "verified"},
	"cert_status": {
		"con hieu luc": "valid", "hieu luc": "valid", "dinh chi": "suspended", "tam dinh chi": "suspended",
		"thu hoi": "revoked", "da thu hoi": "revoked",
	},
	"warning_status": {"dang ap dung": "active", "hieu luc": "active", "da rut": "withdrawn", "thu hoi": "withdrawn"},
	"severity":       {"thap": "low", "trung binh": "medium", "cao": "high", "nghiem trong": "critical"},
	"measure": {
		"cap nhat firmware": "update_firmware", "cap nhat phan mem": "update_firmware",
		"ngung ban": "stop_sale", "dung ban": "stop_sale", "thu hoi": "recall", "cam": "ban", "cam su dung": "ban",
	},
}

// enumValue normalises an enum cell: a known Vietnamese word becomes its
// value; otherwise the text is lower-cased with spaces and dashes as "_",
// so "Online Seller" reads as online_seller. The service still validates it.
func enumValue(set, s string) string {
	f := fold.Text(s)
	if v, ok := enumAliases[set][f]; ok {
		return v
	}
	return enumSeparators.Replace(f)
}

var enumSeparators = strings.NewReplacer(" ", "_", "-", "_")

-- +goose Up
-- The two national technical regulations for IP cameras, with their dates
-- as published. They are data: an admin corrects them through the API.
INSERT INTO standards (id, version, created_at, updated_at, code, title, issued_by, issuing_document,
                       effective_from, mandatory_from, superseded_by, effective_to)
VALUES
    ('0190a000-0000-7000-8000-000000000135', 1, '2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00',
     'QCVN 135:2024/BTTTT',
     'Quy chuẩn kỹ thuật quốc gia về yêu cầu an toàn thông tin cơ bản đối với camera giám sát sử dụng giao thức Internet',
     'Bộ Thông tin và Truyền thông', 'Thông tư 21/2024/TT-BTTTT (31/12/2024)',
     '2025-02-15', '2026-01-01', 'QCVN 11:2026/BCA', '2026-06-30'),
    ('0190a000-0000-7000-8000-000000000011', 1, '2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00',
     'QCVN 11:2026/BCA',
     'Quy chuẩn kỹ thuật quốc gia về an ninh mạng đối với camera giám sát',
     'Bộ Công an', 'Thông tư 48/2026/TT-BCA (12/5/2026)',
     '2026-07-01', '2026-07-01', NULL, NULL);

-- +goose Down
DELETE FROM standards WHERE id IN ('0190a000-0000-7000-8000-000000000135', '0190a000-0000-7000-8000-000000000011');

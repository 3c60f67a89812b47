-- Issue 11 item 4 (docs/isbt128.md): a lot is one pooled product with one DIN (more for a lot of
-- more than 676 vials); its vials are divisions of it. A DIN no longer names one vial: the DIN and
-- the product code (with its division) do. The lot keeps the DINs it took (JSON list); a donor may be
-- recorded as the patient of an autologous donation (ISBT 128 collection type 1 instead of V).

DROP INDEX vial_din;
CREATE UNIQUE INDEX vial_din_product ON vial (din, product_code);
CREATE INDEX vial_din ON vial (din);
ALTER TABLE lot ADD COLUMN dins TEXT;
ALTER TABLE donor ADD COLUMN autologous_for TEXT;
